import { type SQL, sql } from "drizzle-orm";
import { sqlBatch } from "../batch";
import type { Database } from "../client";
import {
  events,
  meetings,
  type RoleStats,
  type RoomEventType,
  recordings,
  roomEvents,
  roomParticipants,
  roomSessions,
  roomStates,
  transcriptions,
} from "../schema";

const json = (value: unknown) => JSON.stringify(value);
const field = (name: string) => sql.raw(`json_extract(value, '$.${name}')`);

/** A room this organization may report events for: its newest meeting of that name, live or gone since `goneAfter`. */
export interface ReportableRoom {
  roomName: string;
  createdAt: number;
  endAt: number;
}

export async function findReportableRooms(
  db: Database,
  orgId: string,
  roomNames: string[],
  goneAfter: number,
): Promise<ReportableRoom[]> {
  const rows = await db.all<{ room_name: string; created_at: number; end_date: number }>(sql`
    SELECT room_name, max(created_at) AS created_at, end_date FROM ${meetings}
    WHERE org_id = ${orgId} AND room_name IN (SELECT value FROM json_each(${json(roomNames)}))
      AND (deleted_at IS NULL OR deleted_at > ${goneAfter})
    GROUP BY room_name`);
  return rows.map((r) => ({ roomName: r.room_name, createdAt: r.created_at, endAt: r.end_date }));
}

export interface StoredRoomEvent {
  room_name: string;
  dedup_key: string;
  type: RoomEventType;
  participant_id: string;
  display_name: string | null;
  external_id: string | null;
  role_name: string | null;
  occurred_at: number;
}
export interface StoredSession {
  id: string;
  room_name: string;
  started_at: number;
  ended_at: number | null;
  start_notified: number;
  end_notified: number;
}

/**
 * One consistent read (a batch is a transaction) of what deriving these rooms needs: their versions,
 * their events and sessions, and which of `dedupKeys` are already stored anywhere in the organization.
 */
export async function readRoomsForDerivation(db: Database, orgId: string, roomNames: string[], dedupKeys: string[]) {
  const rooms = sql`(SELECT value FROM json_each(${json(roomNames)}))`;
  const [versions, stored, sessions, known] = (
    await sqlBatch(db, [
      sql`SELECT room_name, version FROM ${roomStates} WHERE org_id = ${orgId} AND room_name IN ${rooms}`,
      sql`SELECT room_name, dedup_key, type, participant_id, display_name, external_id, role_name, occurred_at
        FROM ${roomEvents} WHERE org_id = ${orgId} AND room_name IN ${rooms}`,
      sql`SELECT id, room_name, started_at, ended_at, start_notified, end_notified FROM ${roomSessions}
        WHERE org_id = ${orgId} AND room_name IN ${rooms}`,
      sql`SELECT dedup_key FROM ${roomEvents}
        WHERE org_id = ${orgId} AND dedup_key IN (SELECT value FROM json_each(${json(dedupKeys)}))`,
    ])
  ).map((result) => result.results);
  return {
    versions: new Map((versions as { room_name: string; version: number }[]).map((r) => [r.room_name, r.version])),
    events: stored as unknown as StoredRoomEvent[],
    sessions: sessions as unknown as StoredSession[],
    knownKeys: new Set((known as { dedup_key: string }[]).map((r) => r.dedup_key)),
  };
}

export interface RoomStateWrite {
  roomName: string;
  createdAt: number;
  endAt: number;
  /** The version read; the write only happens if it is still the room's version. */
  version: number;
  lastReceivedAt: number;
  totalSessions: number;
  firstSessionStartedAt: number | null;
  lastSessionStartedAt: number | null;
  closedMs: number;
  openCount: number;
  openSinceSum: number;
  uniqueParticipants: number;
  roleStats: Record<string, RoleStats>;
}
export interface RoomEventWrite {
  dedupKey: string;
  clientId: string | null;
  roomName: string;
  type: RoomEventType;
  participantId: string;
  displayName: string | null;
  externalId: string | null;
  roleName: string | null;
  occurredAt: number;
}
export interface SessionWrite {
  id: string;
  roomName: string;
  startedAt: number;
  endedAt: number | null;
  belowSince: number | null;
  closedMs: number;
  openCount: number;
  openSinceSum: number;
  uniqueParticipants: number;
  startNotified: boolean;
  endNotified: boolean;
}
export interface ParticipantWrite {
  id: string;
  roomName: string;
  roomSessionId: string | null;
  participantId: string;
  displayName: string | null;
  externalId: string | null;
  roleName: string | null;
  joinedAt: number;
  leftAt: number | null;
}
export interface DomainEventWrite {
  id: string;
  roomName: string;
  type: string;
  data: Record<string, unknown>;
}

/** Rows per JSON parameter: a D1 value is at most 2 MB, and a statement's rows stay far below that. */
const ROWS_PER_STATEMENT = 1000;

/** One statement per chunk of rows, each reading its chunk as one JSON parameter. */
function chunked<T>(rows: readonly T[], statement: (list: string) => SQL): SQL[] {
  const out: SQL[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    out.push(statement(json(rows.slice(i, i + ROWS_PER_STATEMENT))));
  }
  return out;
}

/** Rooms whose state this attempt (`writer`) bumped: every other statement only touches those. */
const claimedRooms = (orgId: string, writer: string) =>
  sql`(SELECT room_name FROM ${roomStates} WHERE writer = ${writer} AND org_id = ${orgId})`;

/** A derived session whose range holds [start_date, end_date] of the row (recording or transcription). */
const sessionCovering = (table: SQL) => sql`(
  SELECT s.id FROM ${roomSessions} s
  WHERE s.org_id = ${table}.org_id AND s.room_name = ${table}.room_name
    AND s.started_at <= ${table}.start_date AND coalesce(s.ended_at, s.below_since, 1e15) >= ${table}.end_date
  ORDER BY s.started_at LIMIT 1)`;

/** Sets `room_session_id` on the rooms' recordings and transcriptions that fall inside a session. */
function linkSessionStatements(orgId: string, rooms: SQL): SQL[] {
  return [recordings, transcriptions].map(
    (table) => sql`
      UPDATE ${table} SET room_session_id = coalesce(${sessionCovering(sql`${table}`)}, room_session_id)
      WHERE org_id = ${orgId} AND room_name IN ${rooms} AND start_date IS NOT NULL AND end_date IS NOT NULL`,
  );
}

/** The statement (not yet run) that links one recording or transcription to the session its range falls in. */
export function linkRowToSession(kind: "recording" | "transcription", orgId: string, id: string): SQL {
  const table = kind === "recording" ? recordings : transcriptions;
  return sql`
    UPDATE ${table} SET room_session_id = ${sessionCovering(sql`${table}`)}
    WHERE org_id = ${orgId} AND id = ${id} AND room_session_id IS NULL
      AND room_name IS NOT NULL AND start_date IS NOT NULL AND end_date IS NOT NULL
    RETURNING room_session_id`;
}

/**
 * One transaction for a set of rooms: each room's state is written only if its version is still the one
 * read (the per-room serial point); the events, sessions, participants and webhook events of a room are
 * written only if its state was. Returns the rooms written; the caller re-derives the others.
 */
export async function writeDerivedRooms(
  db: Database,
  orgId: string,
  writer: string,
  write: {
    states: RoomStateWrite[];
    events: RoomEventWrite[];
    sessions: SessionWrite[];
    participants: ParticipantWrite[];
    domainEvents: DomainEventWrite[];
    now: number;
  },
): Promise<Set<string>> {
  const rooms = claimedRooms(orgId, writer);
  const inClaimed = sql`${field("roomName")} IN ${rooms}`;
  const results = await sqlBatch<{ room_name: string }>(db, [
    sql`INSERT INTO ${roomStates} (org_id, room_name, created_at, end_at, version, writer, last_received_at, total_sessions,
          first_session_started_at, last_session_started_at, closed_ms, open_count, open_since_sum, unique_participants, role_stats)
        SELECT ${orgId}, ${field("roomName")}, ${field("createdAt")}, ${field("endAt")}, ${field("version")} + 1, ${writer}, ${field("lastReceivedAt")},
          ${field("totalSessions")}, ${field("firstSessionStartedAt")}, ${field("lastSessionStartedAt")}, ${field("closedMs")},
          ${field("openCount")}, ${field("openSinceSum")}, ${field("uniqueParticipants")}, ${field("roleStats")}
        FROM json_each(${json(write.states)}) WHERE true
        ON CONFLICT (org_id, room_name) DO UPDATE SET version = excluded.version, writer = excluded.writer, last_received_at = excluded.last_received_at,
          created_at = excluded.created_at, end_at = excluded.end_at, total_sessions = excluded.total_sessions,
          first_session_started_at = excluded.first_session_started_at, last_session_started_at = excluded.last_session_started_at,
          closed_ms = excluded.closed_ms, open_count = excluded.open_count, open_since_sum = excluded.open_since_sum,
          unique_participants = excluded.unique_participants, role_stats = excluded.role_stats
        WHERE ${roomStates}.version = excluded.version - 1`,
    ...chunked(
      write.events,
      (
        list,
      ) => sql`INSERT OR IGNORE INTO ${roomEvents} (org_id, dedup_key, client_id, room_name, type, participant_id, display_name,
          external_id, role_name, occurred_at, received_at)
        SELECT ${orgId}, ${field("dedupKey")}, ${field("clientId")}, ${field("roomName")}, ${field("type")}, ${field("participantId")},
          ${field("displayName")}, ${field("externalId")}, ${field("roleName")}, ${field("occurredAt")}, ${write.now}
        FROM json_each(${list}) WHERE ${inClaimed}`,
    ),
    sql`DELETE FROM ${roomSessions} WHERE org_id = ${orgId} AND room_name IN ${rooms}`,
    ...chunked(
      write.sessions,
      (
        list,
      ) => sql`INSERT INTO ${roomSessions} (id, org_id, room_name, started_at, ended_at, below_since, closed_ms, open_count,
          open_since_sum, unique_participants, start_notified, end_notified)
        SELECT ${field("id")}, ${orgId}, ${field("roomName")}, ${field("startedAt")}, ${field("endedAt")}, ${field("belowSince")},
          ${field("closedMs")}, ${field("openCount")}, ${field("openSinceSum")}, ${field("uniqueParticipants")}, ${field("startNotified")}, ${field("endNotified")}
        FROM json_each(${list}) WHERE ${inClaimed}`,
    ),
    sql`DELETE FROM ${roomParticipants} WHERE org_id = ${orgId} AND room_name IN ${rooms}`,
    ...chunked(
      write.participants,
      (
        list,
      ) => sql`INSERT INTO ${roomParticipants} (org_id, id, room_name, room_session_id, participant_id, display_name, external_id,
          role_name, joined_at, left_at)
        SELECT ${orgId}, ${field("id")}, ${field("roomName")}, ${field("roomSessionId")}, ${field("participantId")},
          ${field("displayName")}, ${field("externalId")}, ${field("roleName")}, ${field("joinedAt")}, ${field("leftAt")}
        FROM json_each(${list}) WHERE ${inClaimed}`,
    ),
    ...chunked(
      write.domainEvents,
      (list) => sql`INSERT INTO ${events} (id, org_id, type, data, created_at)
        SELECT ${field("id")}, ${orgId}, ${field("type")}, ${field("data")}, ${write.now}
        FROM json_each(${list}) WHERE ${inClaimed}`,
    ),
    ...linkSessionStatements(orgId, rooms),
    sql`SELECT room_name FROM ${roomStates} WHERE writer = ${writer} AND org_id = ${orgId}`,
  ]);
  return new Set((results.at(-1)?.results ?? []).map((r) => r.room_name));
}
