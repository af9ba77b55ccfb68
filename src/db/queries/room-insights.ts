import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import { roomParticipants, roomSessions, roomStates } from "../schema";
import { keyset } from "./keyset";

export type RoomSortField = "createdAt" | "totalSessions" | "totalParticipantMinutes";
type Direction = "asc" | "desc";

/** Participant time in ms at `asOf`: closed intervals plus open ones counted up to `asOf`. */
const participantMs = (asOf: number) =>
  sql`(${roomStates.closedMs} + ${roomStates.openCount} * ${asOf} - ${roomStates.openSinceSum})`;

export function listRoomStates(
  db: Database,
  orgId: string,
  query: {
    field: RoomSortField;
    direction: Direction;
    asOf: number;
    roomNamePrefix?: string;
    createdFrom?: number;
    createdTo?: number;
    after: Cursor | null;
    limit: number;
  },
) {
  const value =
    query.field === "createdAt"
      ? sql`${roomStates.createdAt}`
      : query.field === "totalSessions"
        ? sql`${roomStates.totalSessions}`
        : participantMs(query.asOf);
  const page = keyset(value, sql`${roomStates.roomName}`, query.direction, query.after);
  const prefix = query.roomNamePrefix;
  return db
    .select({ row: roomStates, sortValue: sql<number>`${value}` })
    .from(roomStates)
    .where(
      and(
        eq(roomStates.orgId, orgId),
        prefix ? sql`substr(${roomStates.roomName}, 1, ${prefix.length}) = ${prefix}` : undefined,
        query.createdFrom === undefined ? undefined : gte(roomStates.createdAt, query.createdFrom),
        query.createdTo === undefined ? undefined : lte(roomStates.createdAt, query.createdTo),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}

/** The room's sessions, newest first. */
export function listRoomSessionRows(
  db: Database,
  orgId: string,
  query: { roomName: string; after: Cursor | null; limit: number },
) {
  const page = keyset(sql`${roomSessions.startedAt}`, sql`${roomSessions.id}`, "desc", query.after);
  return db
    .select()
    .from(roomSessions)
    .where(and(eq(roomSessions.orgId, orgId), eq(roomSessions.roomName, query.roomName), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}

/** Joins of a session or of a person (externalId), in join order. */
export function listParticipantRows(
  db: Database,
  orgId: string,
  query: { roomSessionId?: string; externalId?: string; after: Cursor | null; limit: number },
) {
  const page = keyset(sql`${roomParticipants.joinedAt}`, sql`${roomParticipants.id}`, "asc", query.after);
  return db
    .select()
    .from(roomParticipants)
    .where(
      and(
        eq(roomParticipants.orgId, orgId),
        query.roomSessionId === undefined ? undefined : eq(roomParticipants.roomSessionId, query.roomSessionId),
        query.externalId === undefined ? undefined : eq(roomParticipants.externalId, query.externalId),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}
