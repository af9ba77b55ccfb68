import type { Database } from "../db/client";
import {
  listParticipantRows,
  listRoomSessionRows,
  listRoomStates,
  type RoomSortField,
} from "../db/queries/room-insights";
import type { RoleStats, RoomParticipantRow, RoomSessionRow, RoomStateRow } from "../db/schema";
import { base64UrlDecode } from "../lib/encoding";
import { decodeCursor, toPage } from "../lib/pagination";
import { iso, isoOrNull } from "../lib/time";

export const ROOM_SORTS = [
  "createdAt:asc",
  "createdAt:desc",
  "totalSessions:asc",
  "totalSessions:desc",
  "totalParticipantMinutes:asc",
  "totalParticipantMinutes:desc",
] as const;
export type RoomSort = (typeof ROOM_SORTS)[number];

/** Minutes with two decimals. */
const minutes = (ms: number) => Math.round(Math.max(0, ms) / 600) / 100;
const timeAt = (stats: Pick<RoleStats, "closedMs" | "openCount" | "openSinceSum">, now: number) =>
  stats.closedMs + stats.openCount * now - stats.openSinceSum;
const NO_ROLE: RoleStats = { closedMs: 0, openCount: 0, openSinceSum: 0, unique: 0 };

export function toRoomInsights(row: RoomStateRow, now: number) {
  const recorder = row.roleStats.recorder ?? NO_ROLE;
  const streamer = row.roleStats.streamer ?? NO_ROLE;
  return {
    roomName: row.roomName,
    createdAt: iso(row.createdAt),
    endAt: isoOrNull(row.endAt),
    firstSessionStartedAt: isoOrNull(row.firstSessionStartedAt),
    lastSessionStartedAt: isoOrNull(row.lastSessionStartedAt),
    totalParticipantMinutes: minutes(timeAt(row, now)),
    totalUniqueParticipants: row.uniqueParticipants,
    totalSessions: row.totalSessions,
    totalRecorderMinutes: minutes(timeAt(recorder, now)),
    totalStreamerMinutes: minutes(timeAt(streamer, now)),
    totalUniqueRecorders: recorder.unique,
    totalUniqueStreamers: streamer.unique,
  };
}

export function toSessionInsights(row: RoomSessionRow, now: number) {
  return {
    roomSessionId: row.id,
    roomName: row.roomName,
    startedAt: iso(row.startedAt),
    endedAt: isoOrNull(row.endedAt),
    totalParticipantMinutes: minutes(timeAt(row, now)),
    totalUniqueParticipants: row.uniqueParticipants,
  };
}

export function toParticipantInsights(row: RoomParticipantRow) {
  return {
    roomSessionId: row.roomSessionId,
    participantId: row.participantId,
    displayName: row.displayName,
    externalId: row.externalId,
    roleName: row.roleName,
    joinedAt: iso(row.joinedAt),
    leftAt: isoOrNull(row.leftAt),
  };
}

const withSlash = (name: string) => (name.startsWith("/") ? name : `/${name}`);

/**
 * The `s` of a cursor from a `totalParticipantMinutes` page carries the time the ranking was taken at, so
 * later pages rank by the same figures while people are still in rooms (a moving value would skip or repeat rooms).
 */
function rankedAt(cursor: string | undefined, sort: RoomSort, now: number): { asOf: number; s: string } {
  if (!sort.startsWith("totalParticipantMinutes")) return { asOf: now, s: sort };
  const text = cursor ? base64UrlDecode(cursor) : null;
  let s: unknown;
  try {
    s = text ? (JSON.parse(text) as { s?: unknown }).s : undefined;
  } catch {
    s = undefined;
  }
  const asOf = typeof s === "string" && s.startsWith(`${sort}@`) ? Number(s.slice(sort.length + 1)) : Number.NaN;
  return Number.isSafeInteger(asOf) ? { asOf, s: s as string } : { asOf: now, s: `${sort}@${now}` };
}

/** Rooms with reported events, with their insights (Whereby's `GET /insights/rooms`). */
export async function listRoomInsights(
  db: Database,
  orgId: string,
  query: {
    limit: number;
    cursor?: string;
    sortBy?: RoomSort;
    roomName?: string;
    createdFrom?: string;
    createdTo?: string;
  },
  now = Date.now(),
) {
  const sort = query.sortBy ?? "createdAt:desc";
  const [field, direction] = sort.split(":") as [RoomSortField, "asc" | "desc"];
  const { asOf, s } = rankedAt(query.cursor, sort, now);
  const rows = await listRoomStates(db, orgId, {
    field,
    direction,
    asOf,
    roomNamePrefix: query.roomName ? withSlash(query.roomName) : undefined,
    createdFrom: query.createdFrom ? Date.parse(query.createdFrom) : undefined,
    createdTo: query.createdTo ? Date.parse(query.createdTo) : undefined,
    after: decodeCursor(query.cursor, s),
    limit: query.limit,
  });
  return toPage(
    rows,
    query.limit,
    (r) => ({ v: r.sortValue, id: r.row.roomName, s }),
    (r) => toRoomInsights(r.row, now),
  );
}

export async function listSessionInsights(
  db: Database,
  orgId: string,
  query: { limit: number; cursor?: string; roomName: string },
  now = Date.now(),
) {
  const rows = await listRoomSessionRows(db, orgId, {
    roomName: withSlash(query.roomName),
    after: decodeCursor(query.cursor),
    limit: query.limit,
  });
  return toPage(
    rows,
    query.limit,
    (r) => ({ v: r.startedAt, id: r.id }),
    (r) => toSessionInsights(r, now),
  );
}

export async function listParticipantInsights(
  db: Database,
  orgId: string,
  query: { limit: number; cursor?: string; roomSessionId?: string; externalId?: string },
) {
  const rows = await listParticipantRows(db, orgId, { ...query, after: decodeCursor(query.cursor) });
  return toPage(rows, query.limit, (r) => ({ v: r.joinedAt, id: r.id }), toParticipantInsights);
}
