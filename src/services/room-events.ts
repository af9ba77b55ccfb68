import type { Database } from "../db/client";
import {
  type DomainEventWrite,
  findReportableRooms,
  NO_CHECKPOINT,
  type ParticipantWrite,
  type ReportableRoom,
  type RoomEventWrite,
  type RoomStateWrite,
  readRoomsForDerivation,
  type SessionRelink,
  type SessionWrite,
  type StoredParticipant,
  type StoredRoomEvent,
  writeDerivedRooms,
} from "../db/queries/room-events";
import type { RoomEventType } from "../db/schema";
import { ApiError, type FieldIssue } from "../lib/errors";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import type { EventData } from "./events";
import {
  type DerivedParticipant,
  type DroppedSession,
  deriveRoom,
  type PresenceEvent,
  SESSION_GAP_MS,
} from "./room-session-derivation";

const DAY_MS = 24 * 60 * 60 * 1000;
/** A meeting deleted or expired this recently still takes events (late reports from the media plane). */
export const ROOM_GONE_GRACE_MS = 30 * DAY_MS;
/** How far before its room's creation an event may be dated (backfills, skewed media-plane clocks). */
export const BACKFILL_MS = 30 * DAY_MS;
/** How far in the future an event may be dated (clock skew). */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Retries when another batch for the same room wins the race; each retry re-reads and re-derives. */
const MAX_ATTEMPTS = 8;

export interface RoomEventInput {
  id?: string;
  type: RoomEventType;
  roomName: string;
  participantId: string;
  displayName?: string;
  externalId?: string;
  roleName?: string;
  occurredAt: string;
}

const withSlash = (name: string) => (name.startsWith("/") ? name : `/${name}`);

function normalise(event: RoomEventInput): RoomEventWrite {
  const roomName = withSlash(event.roomName);
  const occurredAt = Date.parse(event.occurredAt);
  return {
    dedupKey: event.id ? `id:${event.id}` : `nk:${event.type}|${roomName}|${event.participantId}|${occurredAt}`,
    clientId: event.id ?? null,
    roomName,
    type: event.type,
    participantId: event.participantId,
    displayName: event.displayName ?? null,
    externalId: event.externalId ?? null,
    roleName: event.roleName ?? null,
    occurredAt,
  };
}

/** Every problem of the batch at once, so nothing is stored unless the whole batch is valid. */
function checkBatch(events: RoomEventWrite[], rooms: Map<string, ReportableRoom>, now: number) {
  const errors: FieldIssue[] = [];
  events.forEach((event, i) => {
    const room = rooms.get(event.roomName);
    if (!room) {
      errors.push({
        location: `body.events[${i}].roomName`,
        message: "Not a room of this organization (or its meeting ended more than 30 days ago)",
      });
    } else if (event.occurredAt < room.createdAt - BACKFILL_MS) {
      errors.push({
        location: `body.events[${i}].occurredAt`,
        message: "More than 30 days before the room was created",
      });
    }
    if (event.occurredAt > now + FUTURE_SKEW_MS) {
      errors.push({ location: `body.events[${i}].occurredAt`, message: "More than 5 minutes in the future" });
    }
  });
  if (errors.length > 0) {
    throw new ApiError("validation_error", "The batch has invalid events; nothing was stored. See `errors`.", {
      errors,
    });
  }
}

const toPresence = (e: RoomEventWrite): PresenceEvent => e;
const toStoredPresence = (e: StoredRoomEvent): PresenceEvent => ({
  type: e.type,
  participantId: e.participant_id,
  displayName: e.display_name,
  externalId: e.external_id,
  roleName: e.role_name,
  occurredAt: e.occurred_at,
  dedupKey: e.dedup_key,
});
const toCarried = (p: StoredParticipant): DerivedParticipant => ({
  id: p.id,
  roomSessionId: p.room_session_id,
  participantId: p.participant_id,
  displayName: p.display_name,
  externalId: p.external_id,
  roleName: p.role_name,
  joinedAt: p.joined_at,
  leftAt: p.left_at,
});

function clientEvent(event: RoomEventWrite): DomainEventWrite {
  return {
    id: newId("evt"),
    roomName: event.roomName,
    type: event.type,
    data: {
      ...(event.clientId ? { id: event.clientId } : {}),
      roomName: event.roomName,
      participantId: event.participantId,
      displayName: event.displayName,
      externalId: event.externalId,
      roleName: event.roleName,
      occurredAt: iso(event.occurredAt),
    } satisfies EventData<RoomEventType>,
  };
}

export function sessionEvent(
  type: "room.session.started" | "room.session.ended",
  roomName: string,
  s: { id: string; startedAt: number; endedAt: number | null; mergedInto?: string | null },
): DomainEventWrite {
  return {
    id: newId("evt"),
    roomName,
    type,
    data: {
      roomSessionId: s.id,
      roomName,
      startedAt: iso(s.startedAt),
      ...(type === "room.session.ended" ? { endedAt: s.endedAt === null ? null : iso(s.endedAt) } : {}),
      ...(type === "room.session.ended" && s.mergedInto ? { mergedInto: s.mergedInto } : {}),
    } satisfies EventData<"room.session.started" | "room.session.ended">,
  };
}

/**
 * A dropped session whose `started` went out and whose `ended` did not gets its `ended` now (every started
 * gets exactly one ended), at its last known end (or its start), naming the session it merged into.
 */
const droppedSessionEnded = (roomName: string, dropped: DroppedSession) =>
  sessionEvent("room.session.ended", roomName, { ...dropped, endedAt: dropped.endedAt ?? dropped.startedAt });

interface Plan {
  states: RoomStateWrite[];
  events: RoomEventWrite[];
  sessions: SessionWrite[];
  participants: ParticipantWrite[];
  domainEvents: DomainEventWrite[];
  relinks: SessionRelink[];
  duplicatesByRoom: Map<string, number>;
  /** Stored rows the derivations started from (events, participants present at the checkpoint, sessions). */
  derivedRows: number;
}

/** Derives the rooms from what is stored plus the batch's new events, and what to write for them. */
function plan(
  read: Awaited<ReturnType<typeof readRoomsForDerivation>>,
  byRoom: Map<string, RoomEventWrite[]>,
  rooms: Map<string, ReportableRoom>,
  now: number,
): Plan {
  const out: Plan = {
    states: [],
    events: [],
    sessions: [],
    participants: [],
    domainEvents: [],
    relinks: [],
    duplicatesByRoom: new Map(),
    derivedRows: 0,
  };
  for (const [roomName, batch] of byRoom) {
    const fresh = batch.filter((e) => !read.knownKeys.has(e.dedupKey));
    out.duplicatesByRoom.set(roomName, batch.length - fresh.length);
    if (fresh.length === 0) continue;
    const from = read.checkpoints.get(roomName)?.at ?? NO_CHECKPOINT;
    const carried = read.carried.filter((p) => p.room_name === roomName).map(toCarried);
    const stored = read.events.filter((e) => e.room_name === roomName).map(toStoredPresence);
    const known = read.sessions
      .filter((s) => s.room_name === roomName)
      .map((s) => ({
        id: s.id,
        startedAt: s.started_at,
        endedAt: s.ended_at,
        belowSince: s.below_since,
        startNotified: s.start_notified === 1,
        endNotified: s.end_notified === 1,
      }));
    out.derivedRows += stored.length + carried.length + known.length;
    // Every new event is at or after the checkpoint (see checkpointsOf), so all of them are derived.
    const derived = deriveRoom(
      roomName,
      [...stored, ...fresh.map(toPresence)],
      known,
      now,
      () => newId("ses"),
      from,
      carried,
    );
    const room = rooms.get(roomName) as ReportableRoom;
    out.states.push({
      roomName,
      createdAt: room.createdAt,
      endAt: room.endAt,
      version: read.versions.get(roomName) ?? 0,
      lastReceivedAt: now,
      checkpoint: from,
    });
    out.events.push(...fresh);
    out.sessions.push(...derived.sessions.map((s) => ({ ...s, roomName })));
    out.participants.push(...derived.participants.map((p) => ({ ...p, roomName })));
    out.domainEvents.push(...fresh.sort((a, b) => a.occurredAt - b.occurredAt).map(clientEvent));
    for (const dropped of derived.dropped) {
      if (dropped.startNotified && !dropped.endNotified) out.domainEvents.push(droppedSessionEnded(roomName, dropped));
      out.relinks.push({ roomName, from: dropped.id, to: dropped.mergedInto });
    }
  }
  return out;
}

/**
 * Stores a batch of room events and re-derives the sessions of the rooms it touches. Whole-batch
 * validation first (nothing stored on any problem); then per room an optimistic write guarded by the
 * room's version, retried with a fresh read when a concurrent batch for that room won.
 * Returns the counts, the ids of the recorded webhook events (to publish) and the rows read (`work`).
 */
export async function ingestRoomEvents(db: Database, orgId: string, input: RoomEventInput[], now = Date.now()) {
  const events = input.map(normalise);
  const names = [...new Set(events.map((e) => e.roomName))];
  const rooms = new Map(
    (await findReportableRooms(db, orgId, names, now - ROOM_GONE_GRACE_MS)).map((r) => [r.roomName, r]),
  );
  checkBatch(events, rooms, now);
  const seen = new Set<string>();
  let duplicates = 0;
  const byRoom = new Map<string, RoomEventWrite[]>();
  for (const event of events) {
    if (seen.has(event.dedupKey)) {
      duplicates++;
      continue;
    }
    seen.add(event.dedupKey);
    byRoom.set(event.roomName, [...(byRoom.get(event.roomName) ?? []), event]);
  }
  const eventIds: string[] = [];
  let accepted = 0;
  const work = { rowsRead: 0, derivedRows: 0 };
  for (let attempt = 1; byRoom.size > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new ApiError("conflict", "Too many concurrent batches for these rooms; retry.");
    const keys = [...byRoom.values()].flat().map((e) => e.dedupKey);
    const targets = [...byRoom].map(([roomName, batch]) => {
      const earliest = Math.min(...batch.map((e) => e.occurredAt));
      return { roomName, earliest, settledBefore: earliest - SESSION_GAP_MS };
    });
    const read = await readRoomsForDerivation(db, orgId, targets, keys);
    const planned = plan(read, byRoom, rooms, now);
    work.rowsRead += read.rowsRead;
    work.derivedRows += planned.derivedRows;
    const written = planned.states.length
      ? await writeDerivedRooms(db, orgId, newId("req"), { ...planned, now })
      : new Set<string>();
    for (const roomName of [...byRoom.keys()]) {
      const nothingNew = !planned.states.some((s) => s.roomName === roomName);
      if (!nothingNew && !written.has(roomName)) continue;
      const dup = planned.duplicatesByRoom.get(roomName) ?? 0;
      duplicates += dup;
      accepted += (byRoom.get(roomName)?.length ?? 0) - dup;
      eventIds.push(...planned.domainEvents.filter((e) => e.roomName === roomName).map((e) => e.id));
      byRoom.delete(roomName);
    }
    if (byRoom.size > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
  }
  return { accepted, duplicates, eventIds, work };
}
