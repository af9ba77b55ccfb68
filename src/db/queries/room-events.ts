import { type SQL, sql } from "drizzle-orm";
import { sqlBatch } from "../batch";
import type { Database } from "../client";
import {
  events,
  meetings,
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
  below_since: number | null;
  start_notified: number;
  end_notified: number;
}
export interface StoredParticipant {
  id: string;
  room_name: string;
  room_session_id: string | null;
  participant_id: string;
  display_name: string | null;
  external_id: string | null;
  role_name: string | null;
  joined_at: number;
  left_at: number | null;
}
export interface StoredCheckpoint {
  room_name: string;
  at: number;
}

/** A room's batch: its earliest event, and 2 minutes before that (a session ended by then stays ended). */
export interface RoomBatchBounds {
  roomName: string;
  earliest: number;
  settledBefore: number;
}

/** Before every event: the checkpoint of a room with nothing settled. */
export const NO_CHECKPOINT = -1e15;

/**
 * Each room's checkpoint: the latest moment from which deriving gives what deriving the room's whole history
 * (stored and new events, in occurredAt order) would. The later of two:
 * - the start of the latest session that started before the batch's earliest event (`earliest`): nothing
 *   before that start changes, and fewer than two people were present just before it;
 * - quiet: the end of the latest session that ended by `settledBefore` (2 minutes before `earliest`): nothing
 *   in the batch can continue it.
 * An announced end is not a checkpoint of its own: an event within 2 minutes after it continues that session.
 * The rows from the checkpoint on are the only ones a derivation reads or rewrites.
 */
const checkpointsOf = (orgId: string, rooms: RoomBatchBounds[]) => sql`
  WITH r AS (SELECT json_extract(value, '$.roomName') AS room_name, json_extract(value, '$.earliest') AS earliest,
      json_extract(value, '$.settledBefore') AS settled_before FROM json_each(${json(rooms)})),
  cp AS MATERIALIZED (SELECT r.room_name, max(
      coalesce((SELECT s.ended_at FROM ${roomSessions} s WHERE s.org_id = ${orgId} AND s.room_name = r.room_name
        AND s.ended_at <= r.settled_before ORDER BY s.started_at DESC LIMIT 1), ${NO_CHECKPOINT}),
      coalesce((SELECT s.started_at FROM ${roomSessions} s WHERE s.org_id = ${orgId} AND s.room_name = r.room_name
        AND s.started_at < r.earliest ORDER BY s.started_at DESC LIMIT 1), ${NO_CHECKPOINT})) AS at FROM r)`;

/**
 * One consistent read (a batch is a transaction) of what deriving these rooms needs: their versions and
 * checkpoints, their events from the checkpoint on, the participants present at it, their sessions from it on,
 * and which of `dedupKeys` are already stored anywhere in the organization. Rows before a room's checkpoint
 * are not read: the work per call does not grow with the room's age.
 */
export async function readRoomsForDerivation(
  db: Database,
  orgId: string,
  rooms: RoomBatchBounds[],
  dedupKeys: string[],
) {
  const roomNames = rooms.map((r) => r.roomName);
  const cp = checkpointsOf(orgId, rooms);
  const participantColumns = sql.raw(`p.id, p.room_name, p.room_session_id, p.participant_id, p.display_name,
    p.external_id, p.role_name, p.joined_at, p.left_at`);
  const results = await sqlBatch(db, [
    sql`SELECT room_name, version FROM ${roomStates} WHERE org_id = ${orgId}
      AND room_name IN (SELECT value FROM json_each(${json(roomNames)}))`,
    sql`${cp} SELECT room_name, at FROM cp`,
    sql`${cp} SELECT e.room_name, e.dedup_key, e.type, e.participant_id, e.display_name, e.external_id, e.role_name,
        e.occurred_at FROM cp CROSS JOIN ${roomEvents} e ON e.org_id = ${orgId} AND e.room_name = cp.room_name AND e.occurred_at >= cp.at`,
    sql`${cp} SELECT ${participantColumns} FROM cp CROSS JOIN ${roomParticipants} p ON p.org_id = ${orgId}
        AND p.room_name = cp.room_name AND p.left_at IS NULL AND p.joined_at < cp.at
      UNION ALL SELECT ${participantColumns} FROM cp CROSS JOIN ${roomParticipants} p ON p.org_id = ${orgId}
        AND p.room_name = cp.room_name AND p.left_at > cp.at AND p.joined_at < cp.at`,
    sql`${cp} SELECT s.id, s.room_name, s.started_at, s.ended_at, s.below_since, s.start_notified, s.end_notified
      FROM cp CROSS JOIN ${roomSessions} s ON s.org_id = ${orgId} AND s.room_name = cp.room_name AND s.started_at >= cp.at`,
    sql`SELECT dedup_key FROM ${roomEvents}
        WHERE org_id = ${orgId} AND dedup_key IN (SELECT value FROM json_each(${json(dedupKeys)}))`,
  ]);
  const [versions, checkpoints, stored, carried, sessions, known] = results.map((result) => result.results);
  return {
    versions: new Map((versions as { room_name: string; version: number }[]).map((r) => [r.room_name, r.version])),
    checkpoints: new Map((checkpoints as unknown as StoredCheckpoint[]).map((r) => [r.room_name, r])),
    events: stored as unknown as StoredRoomEvent[],
    carried: carried as unknown as StoredParticipant[],
    sessions: sessions as unknown as StoredSession[],
    knownKeys: new Set((known as { dedup_key: string }[]).map((r) => r.dedup_key)),
    /** Rows D1 read for this, all statements together (what the work per call is measured by). */
    rowsRead: results.reduce((sum, r) => sum + (r.meta?.rows_read ?? 0), 0),
  };
}

export interface RoomStateWrite {
  roomName: string;
  createdAt: number;
  endAt: number;
  /** The version read; the write only happens if it is still the room's version. */
  version: number;
  lastReceivedAt: number;
  /** The checkpoint derived from: sessions starting and participants present from here on are rewritten. */
  checkpoint: number;
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

/** A session a derivation dropped: rows that named it name `to` instead (the session it merged into, or none). */
export interface SessionRelink {
  roomName: string;
  from: string;
  to: string | null;
}

/** Re-points the claimed rooms' recordings and transcriptions that named a dropped session. */
function relinkStatements(orgId: string, rooms: SQL, relinks: readonly SessionRelink[]): SQL[] {
  if (relinks.length === 0) return [];
  const list = sql`(SELECT ${field("from")} FROM json_each(${json(relinks)}) WHERE ${field("roomName")} IN ${rooms})`;
  return [recordings, transcriptions].map(
    (table) => sql`
      UPDATE ${table} SET room_session_id = (SELECT ${field("to")} FROM json_each(${json(relinks)})
          WHERE ${field("from")} = ${table}.room_session_id)
      WHERE org_id = ${orgId} AND room_session_id IN ${list}`,
  );
}

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

const identity = sql.raw(
  "CASE WHEN p.external_id IS NOT NULL THEN 'x:' || p.external_id ELSE 'p:' || p.participant_id END",
);
/** Presence figures (RoleStats) of the participant rows matching `when`, as SQL aggregates over `p`. */
const presenceAggregates = (when: SQL) => ({
  closedMs: sql`coalesce(sum(CASE WHEN ${when} AND p.left_at IS NOT NULL THEN p.left_at - p.joined_at END), 0)`,
  openCount: sql`count(CASE WHEN ${when} AND p.left_at IS NULL THEN 1 END)`,
  openSinceSum: sql`coalesce(sum(CASE WHEN ${when} AND p.left_at IS NULL THEN p.joined_at END), 0)`,
  unique: sql`count(DISTINCT CASE WHEN ${when} THEN ${identity} END)`,
});
const roleJson = (role: string) => {
  const a = presenceAggregates(sql`p.role_name = ${role}`);
  return sql`json_object('closedMs', ${a.closedMs}, 'openCount', ${a.openCount}, 'openSinceSum', ${a.openSinceSum}, 'unique', ${a.unique})`;
};

/**
 * The insights totals of the rooms this attempt claimed, summed by D1 from their stored sessions and
 * participants (settled and re-derived alike), so a derivation never needs the rows before its checkpoint.
 */
function roomTotalsStatements(orgId: string, writer: string): SQL[] {
  const people = presenceAggregates(sql`coalesce(p.role_name, '') NOT IN ('recorder', 'streamer')`);
  const mine = sql`${roomStates}.writer = ${writer} AND ${roomStates}.org_id = ${orgId}`;
  const sessionsOfRoom = sql`WHERE s.org_id = ${roomStates}.org_id AND s.room_name = ${roomStates}.room_name`;
  return [
    sql`UPDATE ${roomStates} SET closed_ms = t.closed_ms, open_count = t.open_count, open_since_sum = t.open_since_sum,
          unique_participants = t.unique_participants, role_stats = t.role_stats
        FROM (SELECT p.room_name, ${people.closedMs} AS closed_ms, ${people.openCount} AS open_count,
            ${people.openSinceSum} AS open_since_sum, ${people.unique} AS unique_participants,
            json_object('recorder', json(${roleJson("recorder")}), 'streamer', json(${roleJson("streamer")})) AS role_stats
          FROM ${roomParticipants} p WHERE p.org_id = ${orgId} AND p.room_name IN ${claimedRooms(orgId, writer)}
          GROUP BY p.room_name) t
        WHERE ${mine} AND ${roomStates}.room_name = t.room_name`,
    sql`UPDATE ${roomStates} SET total_sessions = (SELECT count(*) FROM ${roomSessions} s ${sessionsOfRoom}),
          first_session_started_at = (SELECT min(s.started_at) FROM ${roomSessions} s ${sessionsOfRoom}),
          last_session_started_at = (SELECT max(s.started_at) FROM ${roomSessions} s ${sessionsOfRoom})
        WHERE ${mine}`,
  ];
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
    relinks: SessionRelink[];
    now: number;
  },
): Promise<Set<string>> {
  const rooms = claimedRooms(orgId, writer);
  const inClaimed = sql`${field("roomName")} IN ${rooms}`;
  // Each claimed room with its checkpoint, materialised first so the rows from it on are reached through the indexes.
  const cp = sql`WITH cp AS MATERIALIZED (SELECT json_extract(value, '$.roomName') AS room_name,
      json_extract(value, '$.checkpoint') AS at FROM json_each(${json(write.states)})
    WHERE json_extract(value, '$.roomName') IN ${rooms})`;
  const results = await sqlBatch<{ room_name: string }>(db, [
    sql`INSERT INTO ${roomStates} (org_id, room_name, created_at, end_at, version, writer, last_received_at, total_sessions,
          closed_ms, open_count, open_since_sum, unique_participants, role_stats)
        SELECT ${orgId}, ${field("roomName")}, ${field("createdAt")}, ${field("endAt")}, ${field("version")} + 1, ${writer},
          ${field("lastReceivedAt")}, 0, 0, 0, 0, 0, '{}'
        FROM json_each(${json(write.states)}) WHERE true
        ON CONFLICT (org_id, room_name) DO UPDATE SET version = excluded.version, writer = excluded.writer, last_received_at = excluded.last_received_at,
          created_at = excluded.created_at, end_at = excluded.end_at
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
    sql`${cp} DELETE FROM ${roomSessions} WHERE id IN (SELECT s.id FROM cp
      CROSS JOIN ${roomSessions} s ON s.org_id = ${orgId} AND s.room_name = cp.room_name AND s.started_at >= cp.at)`,
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
    // The rows a derivation rewrites: all but those that ended by the checkpoint (joined before it).
    sql`${cp} DELETE FROM ${roomParticipants} WHERE rowid IN (
      SELECT p.rowid FROM cp CROSS JOIN ${roomParticipants} p ON p.org_id = ${orgId} AND p.room_name = cp.room_name
        AND p.left_at IS NULL
      UNION ALL SELECT p.rowid FROM cp CROSS JOIN ${roomParticipants} p ON p.org_id = ${orgId} AND p.room_name = cp.room_name
        AND p.left_at >= cp.at AND (p.left_at > cp.at OR p.joined_at >= cp.at))`,
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
    ...relinkStatements(orgId, rooms, write.relinks),
    ...linkSessionStatements(orgId, rooms),
    ...roomTotalsStatements(orgId, writer),
    sql`SELECT room_name FROM ${roomStates} WHERE writer = ${writer} AND org_id = ${orgId}`,
  ]);
  return new Set((results.at(-1)?.results ?? []).map((r) => r.room_name));
}
