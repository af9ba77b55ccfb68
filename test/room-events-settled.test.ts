import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { endRoomSessions } from "../src/cron/end-room-sessions";
import { createDb } from "../src/db/client";
import { ingestRoomEvents } from "../src/services/room-events";
import { ANNOUNCE_QUIET_MS } from "../src/services/room-session-ends";
import { createOrg, type TestOrg } from "./helpers";
import { type Ev, eventsFor, eventsOfType, MIN, newRoom, post, sessionsOf } from "./room-events-helpers";

/** The scheduled job, run as if the room had been quiet long enough for announcements. */
const announce = () => endRoomSessions(env, Date.now() + ANNOUNCE_QUIET_MS + 1);

async function announced(org: TestOrg, roomName: string) {
  const ids = async (type: string) =>
    (await eventsOfType(org, type, roomName)).map((e) => e.data as { roomSessionId: string; endedAt?: string });
  return { started: await ids("room.session.started"), ended: await ids("room.session.ended") };
}

/** Every announced session is still there under its id, and each `started` has exactly one `ended`. */
async function expectAnnouncementsHold(org: TestOrg, roomName: string) {
  const { started, ended } = await announced(org, roomName);
  const sessions = await sessionsOf(org, roomName);
  const listed = new Map(sessions.map((s) => [s.roomSessionId, s]));
  for (const s of started) expect(listed.has(s.roomSessionId)).toBe(true);
  expect(new Set(started.map((s) => s.roomSessionId)).size).toBe(started.length);
  expect(ended.map((s) => s.roomSessionId).sort()).toEqual(started.map((s) => s.roomSessionId).sort());
  for (const e of ended) expect(listed.get(e.roomSessionId)?.endedAt).toBe(e.endedAt);
  return sessions;
}

describe("late events after a session was announced", () => {
  it("an announced session keeps its id and start even if a late event means it never had two people", async () => {
    const org = await createOrg();
    const roomName = await newRoom(org);
    const e = eventsFor(roomName, Date.now() - 10 * MIN);
    await post(org, [e.join("a", 0), e.join("b", 1)]);
    await announce();
    const [session] = await sessionsOf(org, roomName);
    expect((await announced(org, roomName)).started.map((s) => s.roomSessionId)).toEqual([session?.roomSessionId]);

    // a's leave, dated before b came, arrives after the start was announced: the session stays (same id and
    // start) and ends where the participants say it does.
    await post(org, [e.leave("a", 0.5)]);
    await announce();
    const sessions = await expectAnnouncementsHold(org, roomName);
    expect(sessions.map((s) => [s.roomSessionId, s.startedAt])).toEqual([[session?.roomSessionId, e.at(1)]]);
    expect(sessions[0]?.endedAt).not.toBeNull();
    const forwarded = await eventsOfType(org, "room.client.left", roomName);
    expect(forwarded.map((x) => x.data.participantId)).toEqual(["a"]);
  });

  it("a settled session is final: a later rejoin starts a new session, one inside it changes nothing", async () => {
    const org = await createOrg();
    const roomName = await newRoom(org);
    const e = eventsFor(roomName, Date.now() - 60 * MIN);
    await post(org, [e.join("a", 0), e.join("b", 1), e.leave("b", 10), e.leave("a", 15)]);
    await announce();
    const [first] = await expectAnnouncementsHold(org, roomName);
    expect(first).toMatchObject({ startedAt: e.at(1), endedAt: e.at(10) });

    // c was with a from 11 to 14 (within 2 minutes of the end), reported after `ended` went out: in-order
    // delivery would have continued the session; now it is a session of its own.
    await post(org, [e.join("c", 11), e.leave("c", 14)]);
    // And d, reported as having been there from 5 to 6, does not change the settled session.
    await post(org, [e.join("d", 5), e.leave("d", 6)]);
    await announce();
    const sessions = await expectAnnouncementsHold(org, roomName);
    expect(sessions.map((s) => ({ ...s, roomSessionId: s.roomSessionId === first?.roomSessionId }))).toEqual([
      { ...first, roomSessionId: true },
      {
        roomSessionId: false,
        roomName,
        startedAt: e.at(11),
        endedAt: e.at(14),
        totalParticipantMinutes: 6,
        totalUniqueParticipants: 2,
      },
    ]);
    const joined = await eventsOfType(org, "room.client.joined", roomName);
    expect(joined.map((x) => x.data.participantId).sort()).toEqual(["a", "b", "c", "d"]);
  });
});

describe("derivation starts at the room's checkpoint", () => {
  /** Four events per session, `count` sessions 5 minutes apart, from `start` minutes. */
  const history = (e: ReturnType<typeof eventsFor>, count: number, start = 0): Ev[] =>
    Array.from({ length: count }, (_, k) => {
      const t = start + k * 5;
      return [
        e.join(`a${k}`, t, { externalId: `ext-${k % 3}` }),
        e.join(`b${k}`, t + 1),
        e.leave(`b${k}`, t + 2),
        e.leave(`a${k}`, t + 2.5),
      ];
    }).flat();

  const base = Date.now() - 5 * 60 * MIN;
  async function settledRoom(org: TestOrg, sessions: number, announcing = true) {
    const roomName = await newRoom(org);
    const e = eventsFor(roomName, base);
    const events = history(e, sessions);
    for (let i = 0; i < events.length; i += 20) {
      await post(org, events.slice(i, i + 20));
      if (announcing) await announce();
    }
    return { roomName, e, events };
  }

  it("reads a bounded number of rows per call however long the room's history, with the same results", async () => {
    const org = await createOrg();
    const short = await settledRoom(org, 4);
    const long = await settledRoom(org, 40);
    const db = createDb(env.DB);
    const next = (r: typeof short) => {
      const e = r.e;
      return [e.join("x", 220), e.join("y", 221), e.leave("y", 224)].map((x) => ({ ...x }));
    };
    const shortWork = (await ingestRoomEvents(db, org.id, next(short))).work;
    const longWork = (await ingestRoomEvents(db, org.id, next(long))).work;
    // Only the rows from the checkpoint on: nothing of the 40 settled sessions (160 events) is read again.
    expect(longWork.derivedRows).toBe(shortWork.derivedRows);
    expect(longWork.derivedRows).toBeLessThanOrEqual(3);
    expect(longWork.rowsRead).toBeLessThanOrEqual(shortWork.rowsRead + 2);
    expect(longWork.rowsRead).toBeLessThan(60); // its history: 160 events, 80 participant rows, 40 sessions
    // Unannounced, in time order: each call starts at the end of the last session that nothing in it can continue.
    const unannounced = await settledRoom(org, 40, false);
    const quietWork = (await ingestRoomEvents(db, org.id, next(unannounced))).work;
    expect(quietWork.derivedRows).toBe(shortWork.derivedRows);
    expect(quietWork.rowsRead).toBeLessThanOrEqual(longWork.rowsRead + 2);

    // The same events, delivered at once into a fresh room and derived from its whole history, give the same.
    const fresh = await newRoom(org);
    const all = [...long.events, ...next(long)].map((x) => ({ ...x, roomName: fresh }));
    await post(org, all);
    const strip = (s: { roomSessionId: string }) => ({ ...s, roomSessionId: "", roomName: "" });
    expect((await sessionsOf(org, fresh)).map(strip)).toEqual((await sessionsOf(org, long.roomName)).map(strip));
    const roomOf = async (name: string) => {
      const res = await org.api(`/api/v1/insights/rooms?limit=100&roomName=${encodeURIComponent(name)}`);
      const row = ((await res.json()) as { results: Record<string, unknown>[] }).results[0];
      return { ...row, roomName: "", createdAt: "", endAt: "" };
    };
    expect(await roomOf(fresh)).toEqual(await roomOf(long.roomName));
    expect(await roomOf(fresh)).toMatchObject({ totalSessions: 41, totalUniqueParticipants: 45 });
    const participants = async (name: string) => {
      const out: unknown[] = [];
      for (const s of await sessionsOf(org, name)) {
        const res = await org.api(`/api/v1/insights/participants?limit=100&roomSessionId=${s.roomSessionId}`);
        const rows = ((await res.json()) as { results: Record<string, unknown>[] }).results;
        out.push(rows.map((r) => ({ ...r, roomSessionId: "" })));
      }
      return out;
    };
    expect(await participants(fresh)).toEqual(await participants(long.roomName));
    expect((await sessionsOf(org, unannounced.roomName)).map(strip)).toEqual((await sessionsOf(org, fresh)).map(strip));
    expect(await roomOf(unannounced.roomName)).toEqual(await roomOf(fresh));
    expect(await participants(unannounced.roomName)).toEqual(await participants(fresh));
  }, 30_000);
});
