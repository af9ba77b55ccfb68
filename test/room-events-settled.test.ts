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

/** Each announced `started` has exactly one `ended`, and every listed session was announced. */
async function expectAnnouncementsPaired(org: TestOrg, roomName: string) {
  const { started, ended } = await announced(org, roomName);
  const sessions = await sessionsOf(org, roomName);
  const startedIds = started.map((s) => s.roomSessionId);
  for (const s of sessions) expect(startedIds).toContain(s.roomSessionId);
  expect(new Set(startedIds).size).toBe(started.length);
  expect(ended.map((s) => s.roomSessionId).sort()).toEqual([...startedIds].sort());
  return sessions;
}

describe("late events after a session was announced (truth first, webhooks once)", () => {
  it("a late leave that means the session never had two people removes it, and its `ended` goes out", async () => {
    const org = await createOrg();
    const roomName = await newRoom(org);
    const e = eventsFor(roomName, Date.now() - 10 * MIN);
    await post(org, [e.join("a", 0), e.join("b", 1)]);
    await announce();
    const [session] = await sessionsOf(org, roomName);
    expect((await announced(org, roomName)).started.map((s) => s.roomSessionId)).toEqual([session?.roomSessionId]);

    // a's leave, dated before b came, arrives after the start was announced: there never was a session. The
    // announced one ends where it was last known to (its start: it had not ended), without mergedInto.
    await post(org, [e.leave("a", 0.5)]);
    expect(await sessionsOf(org, roomName)).toEqual([]);
    await announce();
    await expectAnnouncementsPaired(org, roomName);
    expect((await announced(org, roomName)).ended).toEqual([
      { roomSessionId: session?.roomSessionId, roomName, startedAt: e.at(1), endedAt: e.at(1) },
    ]);
    const forwarded = await eventsOfType(org, "room.client.left", roomName);
    expect(forwarded.map((x) => x.data.participantId)).toEqual(["a"]);
  });

  it("an ended session is continued by a late rejoin within 2 minutes; its webhooks are not sent again", async () => {
    const org = await createOrg();
    const roomName = await newRoom(org);
    const e = eventsFor(roomName, Date.now() - 60 * MIN);
    await post(org, [e.join("a", 0), e.join("b", 1), e.leave("b", 10), e.leave("a", 15)]);
    await announce();
    const [first] = await expectAnnouncementsPaired(org, roomName);
    expect(first).toMatchObject({ startedAt: e.at(1), endedAt: e.at(10) });

    // c was with a from 11 to 14 (within 2 minutes of the end), reported after `ended` went out: as in
    // occurredAt order, the session continues to 14. d, there from 5 to 6, counts in it too.
    await post(org, [e.join("c", 11), e.leave("c", 14)]);
    await post(org, [e.join("d", 5), e.leave("d", 6)]);
    await announce();
    const sessions = await expectAnnouncementsPaired(org, roomName);
    expect(sessions).toEqual([
      {
        roomSessionId: first?.roomSessionId,
        roomName,
        startedAt: e.at(1),
        endedAt: e.at(14),
        totalParticipantMinutes: 26,
        totalUniqueParticipants: 4,
      },
    ]);
    // The announcements keep what they said: one `started`, one `ended` (at 10).
    expect((await announced(org, roomName)).ended.map((x) => x.endedAt)).toEqual([e.at(10)]);
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

    // A late event re-derives from the last moment it cannot change: its cost grows with how far back it is
    // dated (here 2 sessions before the end of the announced history), not with the room's age.
    const lateBy = async (r: typeof short, sessions: number) =>
      (await ingestRoomEvents(db, org.id, [{ ...r.e.join("late", (sessions - 2) * 5 + 3.5) }])).work;
    const shortLate = await lateBy(short, 4);
    const longLate = await lateBy(long, 40);
    expect(longLate.derivedRows).toBe(shortLate.derivedRows);
    expect(longLate.rowsRead).toBeLessThanOrEqual(shortLate.rowsRead + 5); // index seeks, not history
  }, 30_000);
});
