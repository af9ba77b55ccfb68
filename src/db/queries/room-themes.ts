import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type RoomThemeRow, roomThemes } from "../schema";

export type ThemePatch = Partial<Pick<RoomThemeRow, "tokens" | "tokensPreset" | "logoId" | "roomBackground">>;

export async function findRoomTheme(db: Database, orgId: string, roomName: string): Promise<RoomThemeRow | undefined> {
  return (
    await db
      .select()
      .from(roomThemes)
      .where(and(eq(roomThemes.orgId, orgId), eq(roomThemes.roomName, roomName)))
      .limit(1)
  )[0];
}

/** The upsert (not yet run) of a room's theme. */
export function upsertRoomTheme(db: Database, orgId: string, roomName: string, patch: ThemePatch, now: number) {
  return db
    .insert(roomThemes)
    .values({ orgId, roomName, ...patch, updatedAt: now })
    .onConflictDoUpdate({ target: [roomThemes.orgId, roomThemes.roomName], set: { ...patch, updatedAt: now } });
}

/** The read (not yet run) of a room's logo id, to batch with the upsert that replaces it. */
export function selectRoomLogoId(db: Database, orgId: string, roomName: string) {
  return db
    .select({ logoId: roomThemes.logoId })
    .from(roomThemes)
    .where(and(eq(roomThemes.orgId, orgId), eq(roomThemes.roomName, roomName)));
}

/** The delete (not yet run) of a room's theme, returning its `logo_id`. */
export function deleteRoomTheme(orgId: string, roomName: string) {
  return sql`DELETE FROM ${roomThemes} WHERE org_id = ${orgId} AND room_name = ${roomName} RETURNING logo_id`;
}
