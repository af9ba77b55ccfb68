import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { endRoomSessions } from "../src/cron/end-room-sessions";
import { ANNOUNCE_QUIET_MS } from "../src/services/room-session-ends";
import { createOrg, type TestOrg } from "./helpers";
import {
  chunks,
  type Ev,
  eventsFor,
  eventsOfType,
  MIN,
  newRoom,
  post,
  sessionsOf,
  shuffled,
} from "./room-events-helpers";

/** The scheduled job, run as if the room had been quiet long enough for announcements. */
const announce = () => endRoomSessions(env, Date.now() + ANNOUNCE_QUIET_MS + 1);

type Factory = ReturnType<typeof eventsFor>;

/** Sessions (without ids), each with its participants, and the room's totals: what insights show. */
async function insightsOf(org: TestOrg, roomName: string) {
  const sessions = await sessionsOf(org, roomName);
  const withParticipants = [];
  for (const s of sessions) {
    const res = await org.api(`/api/v1/insights/participants?limit=100&roomSessionId=${s.roomSessionId}`);
    const rows = ((await res.json()) as { results: Record<string, unknown>[] }).results;
    withParticipants.push({
      ...s,
      roomSessionId: "",
      roomName: "",
      participants: rows.map((r) => ({ ...r, roomSessionId: "" })),
    });
  }
  const res = await org.api(`/api/v1/insights/rooms?limit=100&roomName=${encodeURIComponent(roomName)}`);
  const room = ((await res.json()) as { results: Record<string, unknown>[] }).results[0];
  return { sessions: withParticipants, room: { ...room, roomName: "", createdAt: "", endAt: "" } };
}

interface SessionWebhook {
  roomSessionId: string;
  startedAt: string;
  endedAt?: string | null;
  mergedInto?: string;
}
async function sessionWebhooks(org: TestOrg, roomName: string) {
  const of = async (type: string) =>
    (await eventsOfType(org, type, roomName)).map((e) => e.data as unknown as SessionWebhook);
  return { started: await of("room.session.started"), ended: await of("room.session.ended") };
}

interface Scenario {
  name: string;
  /** Reported and announced first. */
  history: (e: Factory) => Ev[];
  /** Reported after the history's sessions were announced, dated before them. */
  late: (e: Factory) => Ev[];
  /** Reported last (after the late events were announced), in time order. */
  after?: (e: Factory) => Ev[];
  /** Sessions (start, end in minutes) everything gives. */
  sessions: [number, number][];
  /** How many of the announced sessions the late events absorb into an earlier one. */
  absorbed: number;
  /** How many of those had their `started` announced and not their `ended`: they get `ended` with mergedInto. */
  endedAsMerged: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: "a late join makes the session start earlier",
    history: (e) => [e.join("a", 0), e.join("b", 5), e.leave("b", 20), e.leave("a", 25)],
    late: (e) => [e.join("c", 2, { externalId: "ext-c" }), e.leave("c", 10)],
    sessions: [[2, 20]],
    absorbed: 0,
    endedAsMerged: 0,
  },
  {
    name: "a late join bridges two announced sessions (merge)",
    history: (e) => [
      e.join("a", 0),
      e.join("b", 5),
      e.leave("b", 10),
      e.join("c", 20),
      e.leave("c", 30),
      e.leave("a", 40),
    ],
    late: (e) => [e.join("d", 9), e.leave("d", 21)],
    sessions: [[5, 30]],
    absorbed: 1,
    endedAsMerged: 0,
  },
  {
    name: "a late join bridges an ended session and a running one (the running one gets its ended, mergedInto)",
    history: (e) => [e.join("a", 0), e.join("b", 5), e.leave("b", 10), e.join("c", 20)],
    late: (e) => [e.join("d", 9), e.leave("d", 21)],
    after: (e) => [e.leave("c", 30), e.leave("a", 40)],
    sessions: [[5, 30]],
    absorbed: 1,
    endedAsMerged: 1,
  },
  {
    name: "a late leave and rejoin split a session",
    history: (e) => [e.join("a", 0), e.join("b", 5), e.leave("b", 25), e.leave("a", 30)],
    late: (e) => [e.leave("b", 10), e.join("b", 15)],
    sessions: [
      [5, 10],
      [15, 25],
    ],
    absorbed: 0,
    endedAsMerged: 0,
  },
  {
    name: "a late join in a quiet stretch makes a whole new session",
    history: (e) => [
      e.join("a", 0),
      e.join("b", 5),
      e.leave("b", 10),
      e.join("c", 40),
      e.leave("c", 50),
      e.leave("a", 60),
    ],
    late: (e) => [e.join("x", 20, { displayName: "Xena" }), e.leave("x", 25)],
    sessions: [
      [5, 10],
      [20, 25],
      [40, 50],
    ],
    absorbed: 0,
    endedAsMerged: 0,
  },
];

describe("late events are derived (SPEC §7: as if they had arrived in occurredAt order)", () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const late = await createOrg();
      const inOrder = await createOrg();
      const lateRoom = await newRoom(late);
      const orderedRoom = await newRoom(inOrder);
      const base = Date.now() - 2 * 60 * MIN;
      const e = eventsFor(lateRoom, base);
      const o = eventsFor(orderedRoom, base);

      await post(late, scenario.history(e));
      await announce();
      const before = await sessionWebhooks(late, lateRoom);
      expect(before.started.length).toBeGreaterThan(0);
      await post(late, scenario.late(e));
      await announce();
      if (scenario.after) {
        await post(late, scenario.after(e));
        await announce();
      }

      const all = [...scenario.history(o), ...scenario.late(o), ...(scenario.after?.(o) ?? [])];
      all.sort((x, y) => Date.parse(x.occurredAt) - Date.parse(y.occurredAt));
      await post(inOrder, all);
      await announce();

      const got = await insightsOf(late, lateRoom);
      expect(got).toEqual(await insightsOf(inOrder, orderedRoom));
      expect(got.sessions.map((s) => [s.startedAt, s.endedAt])).toEqual(
        scenario.sessions.map(([start, end]) => [e.at(start), e.at(end)]),
      );

      // Webhooks: one `started` per session ever announced, one `ended` per `started`; the survivors keep
      // the ids announced first, an absorbed one names its survivor.
      const { started, ended } = await sessionWebhooks(late, lateRoom);
      const startedIds = started.map((s) => s.roomSessionId);
      expect(new Set(startedIds).size).toBe(started.length);
      expect(ended.map((s) => s.roomSessionId).sort()).toEqual([...startedIds].sort());
      const surviving = (await sessionsOf(late, lateRoom)).map((s) => s.roomSessionId);
      for (const id of surviving) expect(startedIds).toContain(id);
      const firstAnnounced = before.started.sort((x, y) => x.startedAt.localeCompare(y.startedAt))[0];
      expect(surviving[0]).toBe(firstAnnounced?.roomSessionId);
      const merged = ended.filter((s) => s.mergedInto !== undefined);
      expect(merged).toHaveLength(scenario.endedAsMerged);
      for (const m of merged) {
        // It was still running when absorbed: its last known end is its start.
        expect(m.endedAt).toBe(m.startedAt);
        expect(surviving).toContain(m.mergedInto);
        expect(surviving).not.toContain(m.roomSessionId);
      }
      expect(startedIds.length).toBe(surviving.length + scenario.absorbed);

      // A second run of the job sends nothing.
      const count = async () => (await eventsOfType(late, "room.session.started", lateRoom)).length;
      const endedCount = async () => (await eventsOfType(late, "room.session.ended", lateRoom)).length;
      const counts = [await count(), await endedCount()];
      await endRoomSessions(env, Date.now() + 5 * MIN);
      expect([await count(), await endedCount()]).toEqual(counts);
    });
  }
});

/** Four people coming and going at random minutes within an hour (a small LCG, so a failure reproduces). */
function randomHistory(e: Factory, seed: number): Ev[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return ["a", "b", "c", "d"].flatMap((who) => {
    const times = Array.from({ length: 2 + Math.floor(next() * 5) }, () => Math.round(next() * 600) / 10);
    const sorted = [...new Set(times)].sort((x, y) => x - y);
    // Everyone leaves in the end: minutes of someone still present count up to the moment they are read.
    if (sorted.length % 2 === 1) sorted.pop();
    return sorted.map((t, i) => (i % 2 === 0 ? e.join(who, t) : e.leave(who, t)));
  });
}

describe("random histories delivered shuffled, announced between batches, equal their in-order derivation", () => {
  it.each([1, 7, 42, 99, 1234, 2026])("seed %i", async (seed) => {
    const late = await createOrg();
    const inOrder = await createOrg();
    const lateRoom = await newRoom(late);
    const orderedRoom = await newRoom(inOrder);
    const base = Date.now() - 2 * 60 * MIN;
    for (const batch of chunks(shuffled(randomHistory(eventsFor(lateRoom, base), seed), seed), 4)) {
      await post(late, batch);
      await announce();
    }
    await post(inOrder, randomHistory(eventsFor(orderedRoom, base), seed));
    await announce();
    expect(await insightsOf(late, lateRoom)).toEqual(await insightsOf(inOrder, orderedRoom));
    const { started, ended } = await sessionWebhooks(late, lateRoom);
    const startedIds = started.map((s) => s.roomSessionId);
    expect(new Set(startedIds).size).toBe(started.length);
    expect(ended.map((s) => s.roomSessionId).sort()).toEqual([...startedIds].sort());
    for (const s of await sessionsOf(late, lateRoom)) expect(startedIds).toContain(s.roomSessionId);
  });
});
