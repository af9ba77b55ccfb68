import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { endRoomSessions } from "../src/cron/end-room-sessions";
import { purgeExpiredRecords } from "../src/cron/retention";
import { createOrg, media, problem, type TestOrg } from "./helpers";
import { type Ev, eventsFor, eventsOfType, MIN, newRoom, post, sessionsOf } from "./room-events-helpers";
import { aiEnvironment } from "./transcription-helpers";

const DAY = 24 * 60 * MIN;

async function setup() {
  const org = await createOrg();
  const roomName = await newRoom(org);
  return { org, roomName, e: eventsFor(roomName, Date.now() - 60 * MIN) };
}

describe("POST /api/v1/room-events validation", () => {
  it("refuses a batch with any bad event whole, listing each problem", async () => {
    const { org, roomName, e } = await setup();
    const other = await createOrg();
    const foreignRoom = await newRoom(other);
    const events: Ev[] = [
      e.join("a", 0),
      { ...e.join("b", 1), roomName: foreignRoom },
      { ...e.join("c", 2), occurredAt: new Date(Date.now() + 6 * MIN).toISOString() },
      { ...e.join("d", 3), occurredAt: new Date(Date.now() - 31 * DAY).toISOString() },
      { ...e.join("f", 4), roomName: "/no-such-room" },
    ];
    const res = await org.api("/api/v1/room-events", { method: "POST", json: { events } });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.code).toBe("validation_error");
    expect(body.errors).toEqual([
      { location: "body.events[1].roomName", message: expect.any(String) },
      { location: "body.events[2].occurredAt", message: "More than 5 minutes in the future" },
      { location: "body.events[3].occurredAt", message: "More than 30 days before the room was created" },
      { location: "body.events[4].roomName", message: expect.any(String) },
    ]);
    expect(await sessionsOf(org, roomName)).toEqual([]);
    expect(await eventsOfType(org, "room.client.joined", roomName)).toEqual([]);
    // The valid event alone is accepted afterwards: nothing of the refused batch was stored.
    expect(await post(org, [events[0] as Ev])).toEqual({ accepted: 1, duplicates: 0 });
  });

  it("names schema problems by position and rejects unknown fields and sizes", async () => {
    const { org, e } = await setup();
    const bad = { ...e.join("a", 0), type: "room.client.waved", extra: 1 };
    const res = await org.api("/api/v1/room-events", { method: "POST", json: { events: [e.join("b", 0), bad] } });
    const body = await problem(res);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { location: "body.events[1].type", message: expect.any(String) },
        { location: "body.events[1].extra", message: "Unknown field" },
      ]),
    );
    expect((await org.api("/api/v1/room-events", { method: "POST", json: { events: [] } })).status).toBe(400);
    const many = Array.from({ length: 501 }, (_, i) => e.join(`p${i}`, 0));
    expect((await org.api("/api/v1/room-events", { method: "POST", json: { events: many } })).status).toBe(400);
  });

  it("accepts events up to 30 days before the room's creation and for a meeting deleted since", async () => {
    const { org } = await setup();
    const { body: meeting } = await import("./helpers").then((h) => h.createMeeting(org));
    expect((await org.api(`/api/v1/meetings/${meeting.meetingId}`, { method: "DELETE" })).status).toBe(204);
    const early = eventsFor(meeting.roomName, Date.now() - 29 * DAY);
    expect(await post(org, [early.join("a", 0), early.join("b", 1)])).toEqual({ accepted: 2, duplicates: 0 });
    expect(await sessionsOf(org, meeting.roomName)).toHaveLength(1);
  });

  it("needs the write scope", async () => {
    const { e, org } = await setup();
    const reader = await createOrg("professional", { scopes: ["read"] });
    const res = await reader.api("/api/v1/room-events", { method: "POST", json: { events: [e.join("a", 0)] } });
    expect(res.status).toBe(403);
    expect(org).toBeDefined();
  });
});

describe("idempotency per event", () => {
  it("treats the same id as a duplicate, and without id the same type, room, participant and time", async () => {
    const { org, e } = await setup();
    expect(await post(org, [e.join("a", 0, { id: "x1" }), e.join("b", 1)])).toEqual({ accepted: 2, duplicates: 0 });
    // Same id with other content: a duplicate. Same natural key without id: a duplicate.
    expect(await post(org, [e.join("z", 5, { id: "x1" }), e.join("b", 1)])).toEqual({ accepted: 0, duplicates: 2 });
    // A new id for the same natural key is a new event (the client says it is).
    expect(await post(org, [e.join("a", 0, { id: "x2" })])).toEqual({ accepted: 1, duplicates: 0 });
  });
});

describe("the scheduled job ends sessions after 2 minutes with fewer than two", () => {
  it("waits 2 minutes, ends at the moment fewer than two remained, and announces it once", async () => {
    const { org, roomName } = await setup();
    const leftAt = Date.now() - 30_000;
    const e = eventsFor(roomName, leftAt);
    await post(org, [e.join("a", -10), e.join("b", -9), e.leave("b", 0)]);
    expect((await sessionsOf(org, roomName))[0]?.endedAt).toBeNull();

    await endRoomSessions(env, leftAt + 119_000);
    expect((await sessionsOf(org, roomName))[0]?.endedAt).toBeNull();
    expect(await eventsOfType(org, "room.session.started", roomName)).toHaveLength(1);
    expect(await eventsOfType(org, "room.session.ended", roomName)).toHaveLength(0);
    await endRoomSessions(env, leftAt + 120_000);
    const [session] = await sessionsOf(org, roomName);
    expect(session?.endedAt).toBe(new Date(leftAt).toISOString());
    await endRoomSessions(env, leftAt + 600_000);
    const ended = await eventsOfType(org, "room.session.ended", roomName);
    expect(ended.map((x) => x.data)).toEqual([
      { roomSessionId: session?.roomSessionId, roomName, startedAt: e.at(-9), endedAt: e.at(0) },
    ]);
    // A late duplicate or an unrelated late event re-derives the room but announces nothing again.
    await post(org, [e.join("a", -10, { id: "late" }), e.leave("a", 1)]);
    await endRoomSessions(env, Date.now() + 600_000);
    expect(await eventsOfType(org, "room.session.ended", roomName)).toHaveLength(1);
    expect(await eventsOfType(org, "room.session.started", roomName)).toHaveLength(1);
  });
});

describe("insights", () => {
  it("lists rooms with Whereby's fields, filters, sorts and pages (default limit 10)", async () => {
    const org = await createOrg();
    const rooms: string[] = [];
    for (let i = 0; i < 12; i++) rooms.push(await newRoom(org));
    const base = Date.now() - 60 * MIN;
    for (const [i, room] of rooms.entries()) {
      const e = eventsFor(room, base);
      const sessions = i % 3; // 0, 1 or 2 sessions
      const events: Ev[] = [];
      for (let s = 0; s < sessions; s++) {
        events.push(
          e.join("a", s * 10),
          e.join("b", s * 10 + 1, { externalId: "bob" }),
          e.leave("b", s * 10 + 4),
          e.leave("a", s * 10 + 5),
        );
      }
      if (sessions === 0) events.push(e.join("solo", 0), e.leave("solo", i + 1));
      if (i === 0) events.push(e.join("rec", 0, { roleName: "recorder" }), e.leave("rec", 3));
      await post(org, events);
    }
    const first = await org.api("/api/v1/insights/rooms");
    const page = (await first.json()) as { results: Record<string, unknown>[]; cursor: string | null };
    expect(page.results).toHaveLength(10);
    expect(page.cursor).not.toBeNull();
    const rest = (await (await org.api(`/api/v1/insights/rooms?cursor=${page.cursor}`)).json()) as typeof page;
    expect(rest.cursor).toBeNull();
    expect([...page.results, ...rest.results].map((r) => r.roomName).sort()).toEqual([...rooms].sort());

    const room0 = [...page.results, ...rest.results].find((r) => r.roomName === rooms[0]);
    expect(room0).toEqual({
      roomName: rooms[0],
      createdAt: expect.any(String),
      endAt: expect.any(String),
      firstSessionStartedAt: null,
      lastSessionStartedAt: null,
      totalParticipantMinutes: 1,
      totalUniqueParticipants: 1,
      totalSessions: 0,
      totalRecorderMinutes: 3,
      totalStreamerMinutes: 0,
      totalUniqueRecorders: 1,
      totalUniqueStreamers: 0,
    });
    const room2 = [...page.results, ...rest.results].find((r) => r.roomName === rooms[2]);
    expect(room2).toMatchObject({ totalSessions: 2, totalParticipantMinutes: 16, totalUniqueParticipants: 2 });

    const bySessions = async (sort: string, limit: number) => {
      const out: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      do {
        const res = await org.api(
          `/api/v1/insights/rooms?sortBy=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(res.status).toBe(200);
        const body = (await res.json()) as typeof page;
        out.push(...body.results);
        cursor = body.cursor;
      } while (cursor);
      return out;
    };
    const desc = await bySessions("totalSessions:desc", 5);
    expect(desc.map((r) => r.totalSessions)).toEqual([2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0]);
    const minutes = await bySessions("totalParticipantMinutes:asc", 4);
    expect(minutes).toHaveLength(12);
    const values = minutes.map((r) => r.totalParticipantMinutes as number);
    expect(values).toEqual([...values].sort((a, b) => a - b));

    const prefix = (rooms[5] as string).slice(0, 12);
    const filtered = (await (
      await org.api(`/api/v1/insights/rooms?roomName=${encodeURIComponent(prefix)}`)
    ).json()) as typeof page;
    expect(filtered.results.map((r) => r.roomName)).toContain(rooms[5]);
    const future = new Date(Date.now() + DAY).toISOString();
    const none = (await (await org.api(`/api/v1/insights/rooms?createdAt[from]=${future}`)).json()) as typeof page;
    expect(none.results).toEqual([]);
    const past = new Date(Date.now() - DAY).toISOString();
    const all = (await (
      await org.api(`/api/v1/insights/rooms?limit=100&createdAt[from]=${past}&createdAt[to]=${future}`)
    ).json()) as typeof page;
    expect(all.results).toHaveLength(12);
    expect((await org.api("/api/v1/insights/rooms?sortBy=roomName:asc")).status).toBe(400);
  });

  it("lists a session's participants (one row per join) and a person's joins by externalId", async () => {
    const { org, roomName, e } = await setup();
    await post(org, [
      e.join("a", 0, { displayName: "Ada", externalId: "ada" }),
      e.join("b", 1, { displayName: "Bo" }),
      e.leave("b", 3),
      e.join("b", 4, { displayName: "Bo" }),
      e.leave("b", 8),
      e.leave("a", 9),
    ]);
    const [session] = await sessionsOf(org, roomName);
    expect(session).toMatchObject({ startedAt: e.at(1), endedAt: e.at(8), totalUniqueParticipants: 2 });
    expect(session?.totalParticipantMinutes).toBe(7 + 2 + 4);
    const res = await org.api(`/api/v1/insights/participants?roomSessionId=${session?.roomSessionId}`);
    const body = (await res.json()) as { results: Record<string, unknown>[] };
    expect(body.results).toEqual([
      {
        roomSessionId: session?.roomSessionId,
        participantId: "a",
        displayName: "Ada",
        externalId: "ada",
        roleName: null,
        joinedAt: e.at(0),
        leftAt: e.at(9),
      },
      {
        roomSessionId: session?.roomSessionId,
        participantId: "b",
        displayName: "Bo",
        externalId: null,
        roleName: null,
        joinedAt: e.at(1),
        leftAt: e.at(3),
      },
      {
        roomSessionId: session?.roomSessionId,
        participantId: "b",
        displayName: "Bo",
        externalId: null,
        roleName: null,
        joinedAt: e.at(4),
        leftAt: e.at(8),
      },
    ]);
    const byPerson = (await (await org.api("/api/v1/insights/participants?externalId=ada")).json()) as typeof body;
    expect(byPerson.results.map((r) => r.participantId)).toEqual(["a"]);
    expect((await org.api("/api/v1/insights/participants")).status).toBe(400);
    expect((await org.api("/api/v1/insights/room-sessions")).status).toBe(400);
  });

  it("shows nothing of another organization", async () => {
    const { org, roomName, e } = await setup();
    await post(org, [e.join("a", 0, { externalId: "ada" }), e.join("b", 1)]);
    const [session] = await sessionsOf(org, roomName);
    const other = await createOrg();
    const empty = { results: [], cursor: null };
    expect(await (await other.api("/api/v1/insights/rooms")).json()).toEqual(empty);
    expect(
      await (await other.api(`/api/v1/insights/room-sessions?roomName=${encodeURIComponent(roomName)}`)).json(),
    ).toEqual(empty);
    expect(
      await (await other.api(`/api/v1/insights/participants?roomSessionId=${session?.roomSessionId}`)).json(),
    ).toEqual(empty);
    expect(await (await other.api("/api/v1/insights/participants?externalId=ada")).json()).toEqual(empty);
  });
});

describe("retention", () => {
  it("keeps room events, sessions and participants past the 30-day event purge (organization lifetime)", async () => {
    const { org, roomName, e } = await setup();
    await post(org, [e.join("a", 0, { externalId: "ada" }), e.join("b", 1), e.leave("b", 5), e.leave("a", 6)]);
    const before = await sessionsOf(org, roomName);
    await purgeExpiredRecords(env, Date.now() + 31 * DAY);
    expect(await eventsOfType(org, "room.client.joined", roomName)).toEqual([]);
    expect(await sessionsOf(org, roomName)).toEqual(before);
    const people = (await (await org.api("/api/v1/insights/participants?externalId=ada")).json()) as {
      results: unknown[];
    };
    expect(people.results).toHaveLength(1);
    // The raw events are still there: a late event re-derives the room from all of them.
    await post(org, [e.join("c", 2)]);
    expect((await sessionsOf(org, roomName))[0]?.totalUniqueParticipants).toBe(3);
  });
});

describe("roomSessionId on recordings", () => {
  async function upload(org: TestOrg, roomName: string, start?: string, end?: string, roomSessionId?: string) {
    const query = new URLSearchParams({
      filename: "call.webm",
      roomName,
      ...(start && end ? { startDate: start, endDate: end } : {}),
      ...(roomSessionId ? { roomSessionId } : {}),
    });
    const res = await org.api(`/api/v1/recordings?${query}`, {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: media(2048),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { recordingId: string; roomSessionId: string | null };
  }
  const sessionIdOf = async (org: TestOrg, recordingId: string) =>
    ((await (await org.api(`/api/v1/recordings/${recordingId}`)).json()) as { roomSessionId: string | null })
      .roomSessionId;

  it("is set at upload when the session is known, and when the session is derived later", async () => {
    const { org, roomName, e } = await setup();
    const before = await upload(org, roomName, e.at(2), e.at(4));
    const outside = await upload(org, roomName, e.at(2), e.at(30));
    expect(before.roomSessionId).toBeNull();
    await post(org, [e.join("a", 0), e.join("b", 1), e.leave("b", 10), e.leave("a", 11)]);
    const [session] = await sessionsOf(org, roomName);
    expect(await sessionIdOf(org, before.recordingId)).toBe(session?.roomSessionId);
    expect(await sessionIdOf(org, outside.recordingId)).toBeNull();
    const after = await upload(org, roomName, e.at(5), e.at(9));
    expect(after.roomSessionId).toBe(session?.roomSessionId);
    expect(await sessionIdOf(org, after.recordingId)).toBe(session?.roomSessionId);
  });

  it("follows a late merge: rows that named the absorbed session name the surviving one", async () => {
    const { org, roomName, e } = await setup();
    await post(org, [e.join("a", 0), e.join("b", 5), e.leave("b", 10), e.join("c", 20), e.leave("c", 30)]);
    const [first, second] = await sessionsOf(org, roomName);
    const inside = await upload(org, roomName, e.at(22), e.at(28));
    const named = await upload(org, roomName, undefined, undefined, second?.roomSessionId);
    expect([inside.roomSessionId, named.roomSessionId]).toEqual([second?.roomSessionId, second?.roomSessionId]);

    await post(org, [e.join("d", 9), e.leave("d", 21)]);
    expect((await sessionsOf(org, roomName)).map((s) => s.roomSessionId)).toEqual([first?.roomSessionId]);
    expect(await sessionIdOf(org, inside.recordingId)).toBe(first?.roomSessionId);
    expect(await sessionIdOf(org, named.recordingId)).toBe(first?.roomSessionId);
  });

  it("is carried by transcriptions of such a recording, made before or after the session is known", async () => {
    const ai = aiEnvironment("room-session-transcriptions");
    const { org, roomName, e } = await setup();
    const transcribe = async (recordingId: string) => {
      const res = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { transcriptionId: string; roomSessionId: string | null };
    };
    const transcriptionSessionOf = async (id: string) =>
      ((await (await org.api(`/api/v1/transcriptions/${id}`)).json()) as { roomSessionId: string | null })
        .roomSessionId;

    const early = await transcribe((await upload(org, roomName, e.at(2), e.at(4))).recordingId);
    const outside = await transcribe((await upload(org, roomName, e.at(2), e.at(30))).recordingId);
    expect(early.roomSessionId).toBeNull();
    await post(org, [e.join("a", 0), e.join("b", 1), e.leave("b", 10), e.leave("a", 11)]);
    const [session] = await sessionsOf(org, roomName);
    expect(await transcriptionSessionOf(early.transcriptionId)).toBe(session?.roomSessionId);
    expect(await transcriptionSessionOf(outside.transcriptionId)).toBeNull();

    const late = await transcribe((await upload(org, roomName, e.at(5), e.at(9))).recordingId);
    expect(late.roomSessionId).toBe(session?.roomSessionId);
    expect(await transcriptionSessionOf(late.transcriptionId)).toBe(session?.roomSessionId);
    const listed = (await (
      await org.api(`/api/v1/transcriptions?roomName=${encodeURIComponent(roomName)}`)
    ).json()) as { results: { transcriptionId: string; roomSessionId: string | null }[] };
    expect(Object.fromEntries(listed.results.map((t) => [t.transcriptionId, t.roomSessionId]))).toEqual({
      [early.transcriptionId]: session?.roomSessionId,
      [outside.transcriptionId]: null,
      [late.transcriptionId]: session?.roomSessionId,
    });
  });
});
