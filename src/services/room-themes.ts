import type { Database } from "../db/client";
import { liveRoomExists } from "../db/queries/meetings";
import { findRoomTheme, selectRoomLogoId, type ThemePatch, upsertRoomTheme } from "../db/queries/room-themes";
import type { RoomBackground, RoomThemeRow, ThemeTokens } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { newRoomLogoId, roomLogoKey } from "../storage/keys";

/** 600 kB, as Whereby documents for room logos. */
export const LOGO_MAX_BYTES = 600_000;

export interface RoomTheme {
  tokens: ThemeTokens;
  tokensPreset: "custom" | "default";
  logoUrl: string | null;
  roomBackground: RoomBackground;
}

const DEFAULT_BACKGROUND: RoomBackground = { palette: "default", theme: "default" };

/** `{roomName}` in paths has no leading slash; the room must belong to a live meeting of this org. */
export async function ensureLiveRoom(db: Database, orgId: string, roomName: string, now = Date.now()): Promise<string> {
  const stored = `/${roomName}`;
  if (!(await liveRoomExists(db, orgId, stored, now))) throw new ApiError("not_found", `No room ${stored}.`);
  return stored;
}

export function toRoomTheme(row: RoomThemeRow | undefined, logoBaseUrl: string): RoomTheme {
  return {
    tokens: row?.tokens ?? {},
    tokensPreset: row?.tokensPreset ?? "default",
    logoUrl: row?.logoId ? `${logoBaseUrl}/files/room-logos/${row.logoId}` : null,
    roomBackground: row?.roomBackground ?? DEFAULT_BACKGROUND,
  };
}

export async function getRoomTheme(db: Database, orgId: string, roomName: string) {
  return findRoomTheme(db, orgId, roomName);
}

function upsertTheme(db: Database, orgId: string, roomName: string, patch: ThemePatch) {
  return upsertRoomTheme(db, orgId, roomName, patch, Date.now());
}

export async function setThemeTokens(
  db: Database,
  orgId: string,
  roomName: string,
  input: { tokens?: ThemeTokens; tokensPreset?: "custom" | "default" },
): Promise<void> {
  const preset = input.tokensPreset ?? (input.tokens ? "custom" : undefined);
  await upsertTheme(db, orgId, roomName, {
    ...(input.tokens !== undefined ? { tokens: input.tokens } : {}),
    ...(preset !== undefined ? { tokensPreset: preset } : {}),
  });
}

export async function setRoomBackground(
  db: Database,
  orgId: string,
  roomName: string,
  input: Partial<RoomBackground>,
): Promise<void> {
  const current = (await getRoomTheme(db, orgId, roomName))?.roomBackground ?? DEFAULT_BACKGROUND;
  await upsertTheme(db, orgId, roomName, { roomBackground: { ...current, ...input } });
}

/** The image type from its first bytes; the declared type is not trusted. */
export function sniffImageType(head: Uint8Array): "image/png" | "image/jpeg" | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => head[i] === b)) return "image/png";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  return null;
}

/** Stores a new logo in R2 and points the theme at it; the previous logo object is removed. */
export async function replaceLogo(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  roomName: string,
  image: File | null,
): Promise<void> {
  let logoId: string | null = null;
  if (image) {
    if (image.size > LOGO_MAX_BYTES) {
      throw new ApiError("payload_too_large", `Logos are limited to ${LOGO_MAX_BYTES} bytes.`);
    }
    const bytes = new Uint8Array(await image.arrayBuffer());
    const type = sniffImageType(bytes);
    if (!type) throw new ApiError("unsupported_media_type", "The logo must be a PNG or JPEG image.");
    logoId = newRoomLogoId(orgId, newId("upl"));
    await bucket.put(roomLogoKey(logoId), bytes, { httpMetadata: { contentType: type } });
  }
  // Read and swap in one D1 batch (a transaction), so of two concurrent replacements each one
  // deletes exactly the logo it replaced and no object is left behind.
  const [previousRows] = await db.batch([
    selectRoomLogoId(db, orgId, roomName),
    upsertTheme(db, orgId, roomName, { logoId }),
  ]);
  const previous = previousRows[0]?.logoId;
  if (previous) await bucket.delete(roomLogoKey(previous));
}
