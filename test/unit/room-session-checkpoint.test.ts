import { describe, expect, it } from "vitest";
import {
  type DerivedParticipant,
  type DerivedSession,
  deriveRoom,
  type PresenceEvent,
  SESSION_GAP_MS,
} from "../../src/services/room-session-derivation";

const MIN = 60_000;
const ROOM = "/room";
const NOW = 1_000 * MIN;

/** A small LCG, so a failing seed reproduces. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Five people coming and going on a half-minute grid (ties happen), some never leaving. */
function history(seed: number): PresenceEvent[] {
  const next = random(seed);
  return ["a", "b", "c", "d", "e"].flatMap((who) => {
    const times = [...new Set(Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.round(next() * 240) / 2))];
    return times
      .sort((x, y) => x - y)
      .map((t, i) => {
        const type = i % 2 === 0 ? ("room.client.joined" as const) : ("room.client.left" as const);
        const occurredAt = t * MIN;
        return {
          type,
          participantId: who,
          displayName: null,
          externalId: null,
          roleName: null,
          occurredAt,
          dedupKey: `${type}|${who}|${occurredAt}`,
        };
      });
  });
}

let ids = 0;
const newId = () => `ses_${ids++}`;

/** The checkpoint as the ingest's read computes it (see checkpointsOf in db/queries/room-events.ts). */
function checkpoint(sessions: readonly DerivedSession[], earliest: number) {
  const byStart = [...sessions].sort((a, b) => b.startedAt - a.startedAt);
  const quiet = byStart.find((s) => s.endedAt !== null && s.endedAt <= earliest - SESSION_GAP_MS)?.endedAt;
  const start = byStart.find((s) => s.startedAt < earliest)?.startedAt;
  return Math.max(quiet ?? Number.NEGATIVE_INFINITY, start ?? Number.NEGATIVE_INFINITY);
}

/** What the ingest does: keep the stored rows before the checkpoint, re-derive the rest from it. */
function fromCheckpoint(stored: PresenceEvent[], fresh: PresenceEvent[]) {
  const before = deriveRoom(ROOM, stored, [], NOW, newId);
  const cp = checkpoint(before.sessions, Math.min(...fresh.map((e) => e.occurredAt)));
  const rewritten = (p: DerivedParticipant) =>
    p.leftAt === null || (p.leftAt >= cp && (p.leftAt > cp || p.joinedAt >= cp));
  const carried = before.participants.filter((p) => p.joinedAt < cp && (p.leftAt === null || p.leftAt > cp));
  const known = before.sessions
    .filter((s) => s.startedAt >= cp)
    .map((s) => ({ ...s, startNotified: false, endNotified: false }));
  const again = deriveRoom(
    ROOM,
    [...stored.filter((e) => e.occurredAt >= cp), ...fresh],
    known,
    NOW,
    newId,
    cp,
    carried,
  );
  return {
    sessions: [...before.sessions.filter((s) => s.startedAt < cp), ...again.sessions],
    participants: [...before.participants.filter((p) => !rewritten(p)), ...again.participants],
  };
}

/** Sessions and participants with each session named by its start instead of its id. */
function comparable(derived: { sessions: DerivedSession[]; participants: DerivedParticipant[] }) {
  const startOf = new Map(derived.sessions.map((s) => [s.id, s.startedAt]));
  return {
    sessions: derived.sessions
      .map(({ id: _, startNotified: __, endNotified: ___, ...s }) => s)
      .sort((a, b) => a.startedAt - b.startedAt),
    participants: derived.participants
      .map((p) => ({ ...p, roomSessionId: p.roomSessionId === null ? null : startOf.get(p.roomSessionId) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

describe("deriving from the checkpoint equals deriving the whole history", () => {
  const seeds = Array.from({ length: 200 }, (_, i) => i + 1);
  it.each([0.05, 0.2, 0.5])("for 200 random histories, any share (%f) of events arriving late", (share) => {
    for (const seed of seeds) {
      const events = history(seed);
      const next = random(seed * 7 + 3);
      const late = events.filter(() => next() < share);
      if (late.length === 0) continue;
      const stored = events.filter((e) => !late.includes(e));
      const whole = deriveRoom(ROOM, events, [], NOW, newId);
      expect(comparable(fromCheckpoint(stored, late)), `seed ${seed}`).toEqual(comparable(whole));
    }
  });
});
