import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { endRoomSessions } from "../src/cron/end-room-sessions";
import { ANNOUNCE_QUIET_MS } from "../src/services/room-session-ends";
import { createOrg } from "./helpers";
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

type Expected = { start: number; end: number | null; minutes?: number; unique?: number }[];

/** §7 scenarios: events in minutes from a base an hour ago, and the sessions they must give. */
const SCENARIOS: { name: string; events: (e: ReturnType<typeof eventsFor>) => Ev[]; sessions: Expected }[] = [
  {
    name: "two people, one session from the second join to the first leave",
    events: (e) => [e.join("a", 0), e.join("b", 1), e.leave("b", 10), e.leave("a", 11)],
    sessions: [{ start: 1, end: 10, minutes: 18, unique: 2 }],
  },
  {
    name: "a rejoin at 1:59 continues the session",
    events: (e) => [
      e.join("a", 0),
      e.join("b", 1),
      e.leave("b", 10),
      e.join("b", 11 + 59 / 60),
      e.leave("b", 20),
      e.leave("a", 21),
    ],
    sessions: [{ start: 1, end: 20, unique: 2 }],
  },
  {
    name: "a rejoin at 2:01 starts a new session",
    events: (e) => [
      e.join("a", 0),
      e.join("b", 1),
      e.leave("b", 10),
      e.join("b", 12 + 1 / 60),
      e.leave("b", 20),
      e.leave("a", 21),
    ],
    sessions: [
      { start: 1, end: 10 },
      { start: 12 + 1 / 60, end: 20 },
    ],
  },
  {
    name: "three people: the session lasts until fewer than two remain",
    events: (e) => [e.join("a", 0), e.join("b", 1), e.join("c", 2), e.leave("b", 5), e.leave("c", 6), e.leave("a", 7)],
    sessions: [{ start: 1, end: 6, unique: 3 }],
  },
  {
    name: "people taking turns with a 1-minute overlap gap keep one session",
    events: (e) => [
      e.join("a", 0),
      e.join("b", 1),
      e.leave("b", 5),
      e.join("c", 6),
      e.leave("c", 10),
      e.leave("a", 11),
    ],
    sessions: [{ start: 1, end: 10, unique: 3 }],
  },
  {
    name: "someone alone makes no session",
    events: (e) => [e.join("a", 0), e.leave("a", 10), e.join("b", 20), e.leave("b", 30)],
    sessions: [],
  },
  {
    name: "a recorder does not make a session",
    events: (e) => [e.join("a", 0), e.join("r", 1, { roleName: "recorder" }), e.leave("r", 9), e.leave("a", 10)],
    sessions: [],
  },
  {
    name: "a session still going has no end",
    events: (e) => [e.join("a", 50), e.join("b", 55)],
    sessions: [{ start: 55, end: null }],
  },
  {
    name: "fewer than two for under 2 minutes so far: the end is not yet certain",
    events: (e) => [e.join("a", 50), e.join("b", 55), e.leave("b", 59)],
    sessions: [{ start: 55, end: null }],
  },
];

type Delivery = (org: Awaited<ReturnType<typeof createOrg>>, events: Ev[]) => Promise<void>;
const DELIVERIES: { name: string; deliver: Delivery }[] = [
  { name: "in order, one batch", deliver: async (org, events) => void (await post(org, events)) },
  { name: "shuffled", deliver: async (org, events) => void (await post(org, shuffled(events, 7))) },
  {
    name: "shuffled, split across batches",
    deliver: async (org, events) => {
      for (const batch of chunks(shuffled(events, 11), 3)) await post(org, batch);
    },
  },
  {
    name: "one event per batch, newest first",
    deliver: async (org, events) => {
      for (const event of [...events].reverse()) await post(org, [event]);
    },
  },
  {
    name: "duplicated, within and across batches",
    deliver: async (org, events) => {
      await post(org, [...events, ...events]);
      const again = await post(org, shuffled(events, 3));
      expect(again).toEqual({ accepted: 0, duplicates: events.length });
    },
  },
  {
    name: "concurrent batches",
    deliver: async (org, events) => {
      await Promise.all(chunks(shuffled(events, 5), 4).map((batch) => post(org, batch)));
    },
  },
  {
    name: "concurrent single events",
    deliver: async (org, events) => {
      await Promise.all(shuffled(events, 9).map((event) => post(org, [event])));
    },
  },
];

describe("room sessions are the same whatever the arrival order", () => {
  for (const scenario of SCENARIOS) {
    describe(scenario.name, () => {
      it.each(DELIVERIES)("$name", async ({ deliver }) => {
        const org = await createOrg();
        const roomName = await newRoom(org);
        const base = Date.now() - 60 * MIN;
        const e = eventsFor(roomName, base);
        const events = scenario.events(e);
        await deliver(org, events);

        const sessions = await sessionsOf(org, roomName);
        expect(sessions.map((s) => ({ startedAt: s.startedAt, endedAt: s.endedAt }))).toEqual(
          scenario.sessions.map((s) => ({ startedAt: e.at(s.start), endedAt: s.end === null ? null : e.at(s.end) })),
        );
        scenario.sessions.forEach((expected, i) => {
          if (expected.minutes !== undefined) expect(sessions[i]?.totalParticipantMinutes).toBe(expected.minutes);
          if (expected.unique !== undefined) expect(sessions[i]?.totalUniqueParticipants).toBe(expected.unique);
        });

        // Session webhooks go out from the scheduled job once the room is quiet; run it twice (idempotent).
        for (const run of [1, 2]) await endRoomSessions(env, Date.now() + ANNOUNCE_QUIET_MS + run);
        const started = await eventsOfType(org, "room.session.started", roomName);
        const ended = await eventsOfType(org, "room.session.ended", roomName);
        expect(started.map((x) => x.data.roomSessionId).sort()).toEqual(sessions.map((s) => s.roomSessionId).sort());
        expect(ended.map((x) => x.data.roomSessionId).sort()).toEqual(
          sessions
            .filter((s) => s.endedAt !== null)
            .map((s) => s.roomSessionId)
            .sort(),
        );
        const forwarded = (
          await Promise.all(["room.client.joined", "room.client.left"].map((t) => eventsOfType(org, t, roomName)))
        ).flat();
        expect(forwarded).toHaveLength(events.length);
      });
    });
  }
});
