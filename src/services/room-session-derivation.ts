import type { SessionWrite } from "../db/queries/room-events";
import type { RoleStats, RoomEventType } from "../db/schema";

/** Fewer than two participants for this long ends a session; a rejoin sooner continues it. */
export const SESSION_GAP_MS = 2 * 60 * 1000;
/** Roles that are not people: they are counted apart and never make a session. */
export const SERVICE_ROLES = ["recorder", "streamer"] as const;

export interface PresenceEvent {
  type: RoomEventType;
  participantId: string;
  displayName: string | null;
  externalId: string | null;
  roleName: string | null;
  occurredAt: number;
  dedupKey: string;
}

export interface KnownSession {
  id: string;
  startedAt: number;
  endedAt: number | null;
  belowSince: number | null;
  startNotified: boolean;
  endNotified: boolean;
}

/** A known session no derived span keeps: absorbed by the span it overlaps (`mergedInto`), or gone (null). */
export interface DroppedSession extends KnownSession {
  mergedInto: string | null;
}

/** A session as derivation produces it: the row the queries write, without its room (the caller's). */
export type DerivedSession = Omit<SessionWrite, "roomName">;

export interface DerivedParticipant {
  id: string;
  roomSessionId: string | null;
  participantId: string;
  displayName: string | null;
  externalId: string | null;
  roleName: string | null;
  joinedAt: number;
  leftAt: number | null;
}

export interface Derivation {
  sessions: DerivedSession[];
  participants: DerivedParticipant[];
  dropped: DroppedSession[];
}

const TYPE_ORDER: Record<RoomEventType, number> = {
  "room.client.left": 0,
  "room.client.joined": 1,
  "room.client.knocked": 2,
  "room.client.knockCancelled": 3,
};

/** The total order every derivation uses, so arrival order never matters. */
export function compareEvents(a: PresenceEvent, b: PresenceEvent): number {
  return (
    a.occurredAt - b.occurredAt ||
    TYPE_ORDER[a.type] - TYPE_ORDER[b.type] ||
    (a.dedupKey < b.dedupKey ? -1 : a.dedupKey > b.dedupKey ? 1 : 0)
  );
}

const isService = (role: string | null) => (SERVICE_ROLES as readonly (string | null)[]).includes(role);
const identity = (p: DerivedParticipant) => (p.externalId ? `x:${p.externalId}` : `p:${p.participantId}`);

/**
 * Joins paired with leaves per participant, starting from those present at the checkpoint (`carried`, as
 * stored): a second join while present and a leave while absent change nothing.
 */
function presenceIntervals(
  events: readonly PresenceEvent[],
  roomName: string,
  carried: readonly DerivedParticipant[],
): DerivedParticipant[] {
  const intervals: DerivedParticipant[] = carried.map((p) => ({ ...p, leftAt: null }));
  const open = new Map(intervals.map((p) => [p.participantId, p]));
  for (const event of events) {
    if (event.type === "room.client.joined" && !open.has(event.participantId)) {
      const row: DerivedParticipant = {
        // Stable whatever part of the history is derived: a participant joins at most once per moment.
        id: `${roomName}#${event.occurredAt}#${event.participantId}`,
        roomSessionId: null,
        participantId: event.participantId,
        displayName: event.displayName,
        externalId: event.externalId,
        roleName: event.roleName,
        joinedAt: event.occurredAt,
        leftAt: null,
      };
      intervals.push(row);
      open.set(event.participantId, row);
    } else if (event.type === "room.client.left") {
      const row = open.get(event.participantId);
      if (row && row.joinedAt <= event.occurredAt) {
        row.leftAt = event.occurredAt;
        open.delete(event.participantId);
      }
    }
  }
  return intervals;
}

/**
 * Session spans from people's presence: starts at the second person's join, ends once fewer than two remained
 * for 2 minutes. Changes before `from` (the checkpoint) only set who is present there; fewer than two are.
 */
function sessionSpans(people: readonly DerivedParticipant[], now: number, from: number) {
  const changes = people.flatMap((p) => [
    { at: p.joinedAt, delta: 1 },
    ...(p.leftAt === null ? [] : [{ at: p.leftAt, delta: -1 }]),
  ]);
  changes.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const spans: { startedAt: number; belowSince: number | null; endedAt: number | null }[] = [];
  let present = 0;
  let current: (typeof spans)[number] | null = null;
  for (const change of changes) {
    if (change.at < from) {
      present += change.delta;
      continue;
    }
    if (current?.belowSince != null && change.at - current.belowSince >= SESSION_GAP_MS) {
      current.endedAt = current.belowSince;
      current = null;
    }
    present += change.delta;
    if (current === null && present >= 2) {
      current = { startedAt: change.at, belowSince: null, endedAt: null };
      spans.push(current);
    } else if (current !== null) {
      if (present < 2) current.belowSince ??= change.at;
      else current.belowSince = null;
    }
  }
  if (current?.belowSince != null && now - current.belowSince >= SESSION_GAP_MS) current.endedAt = current.belowSince;
  return spans;
}

/** Presence time of intervals within [from, to] (to = null: still running; open ones count up to read time). */
function presence(intervals: readonly DerivedParticipant[], from: number, to: number | null): RoleStats {
  const stats: RoleStats = { closedMs: 0, openCount: 0, openSinceSum: 0, unique: 0 };
  const who = new Set<string>();
  for (const p of intervals) {
    const start = Math.max(p.joinedAt, from);
    const end = to === null ? p.leftAt : Math.min(p.leftAt ?? to, to);
    if (end !== null && end < start) continue;
    if (to !== null && p.joinedAt > to) continue;
    who.add(identity(p));
    if (end === null) {
      stats.openCount++;
      stats.openSinceSum += start;
    } else stats.closedMs += end - start;
  }
  stats.unique = who.size;
  return stats;
}

type Span = ReturnType<typeof sessionSpans>[number];
const spanEnd = (span: Span) => span.endedAt ?? span.belowSince ?? Number.POSITIVE_INFINITY;
const knownEnd = (k: KnownSession) => k.endedAt ?? k.belowSince ?? Number.POSITIVE_INFINITY;
const overlaps = (k: KnownSession, span: Span) => k.startedAt <= spanEnd(span) && knownEnd(k) >= span.startedAt;

/**
 * Gives each derived span (in time order) the id of the earliest known session it overlaps that no earlier
 * span kept, or a new one. A known session no span keeps is dropped: merged into the first span it overlaps,
 * or gone when it overlaps none.
 */
function matchIds(spans: readonly Span[], known: readonly KnownSession[], newSessionId: () => string) {
  const byStart = [...known].sort((a, b) => a.startedAt - b.startedAt);
  const kept = new Set<string>();
  const matched = spans.map((span) => {
    const match = byStart.find((k) => !kept.has(k.id) && overlaps(k, span));
    if (match) kept.add(match.id);
    return { span, match, id: match?.id ?? newSessionId() };
  });
  const dropped: DroppedSession[] = byStart
    .filter((k) => !kept.has(k.id))
    .map((k) => ({ ...k, mergedInto: matched.find((m) => overlaps(k, m.span))?.id ?? null }));
  return { matched, dropped };
}

/**
 * Derives a room's sessions and participants from the checkpoint `from` on (NEGATIVE_INFINITY: its whole
 * history), from the participants present there (`carried`) and the events from then on (any order), at `now`.
 * `from` must be a moment the stored derivation agrees with whatever the new events say: fewer than two
 * people present just before it, and no new event before it. Known sessions (those starting from `from` on)
 * keep their ids and what was announced of them, so webhooks go out once per session.
 */
export function deriveRoom(
  roomName: string,
  events: readonly PresenceEvent[],
  known: readonly KnownSession[],
  now: number,
  newSessionId: () => string,
  from = Number.NEGATIVE_INFINITY,
  carried: readonly DerivedParticipant[] = [],
): Derivation {
  const sorted = [...events].sort(compareEvents);
  const participants = presenceIntervals(sorted, roomName, carried);
  const people = participants.filter((p) => !isService(p.roleName));
  const { matched, dropped } = matchIds(sessionSpans(people, now, from), known, newSessionId);
  const sessions: DerivedSession[] = matched.map(({ span, match, id }) => {
    const stats = presence(people, span.startedAt, span.endedAt ?? span.belowSince);
    return {
      id,
      startedAt: span.startedAt,
      endedAt: span.endedAt,
      belowSince: span.belowSince,
      closedMs: stats.closedMs,
      openCount: stats.openCount,
      openSinceSum: stats.openSinceSum,
      uniqueParticipants: stats.unique,
      startNotified: match?.startNotified ?? false,
      endNotified: match?.endNotified ?? false,
    };
  });
  const derivedIds = new Set(sessions.map((s) => s.id));
  for (const p of participants) {
    // A participant present at the checkpoint who was in an earlier session stays in it (its first session).
    if (p.roomSessionId !== null && !derivedIds.has(p.roomSessionId)) continue;
    const end = p.leftAt ?? Number.POSITIVE_INFINITY;
    p.roomSessionId =
      sessions.find((s) => s.startedAt <= end && (s.endedAt ?? s.belowSince ?? Number.POSITIVE_INFINITY) >= p.joinedAt)
        ?.id ?? null;
  }
  return { sessions, participants, dropped };
}
