import { describe, expect, it } from "vitest";
import { createMeeting, createOrg, env, inHours, type MeetingBody, problem } from "./helpers";

describe("meetings", () => {
  it("creates a meeting with Whereby's fields and defaults", async () => {
    const org = await createOrg();
    const end = new Date(Date.now() + 7_200_000);
    end.setUTCMilliseconds(0);
    // The same instant written as local time at +01:00 (the wall clock one hour ahead, across midnight too).
    const offset = `${new Date(end.getTime() + 3_600_000).toISOString().slice(0, 19)}+01:00`;
    const { res, body } = await createMeeting(org, { endDate: offset });
    expect(res.status).toBe(201);
    expect(body.meetingId).toMatch(/^mtg_/);
    expect(body.roomName).toMatch(/^\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.roomUrl).toBe(`https://meet.parley.dev${body.roomName}`);
    expect(body).toMatchObject({
      endDate: end.toISOString(),
      isLocked: false,
      roomMode: "normal",
      recording: { type: "none", startTrigger: "none" },
      metadata: null,
    });
    expect(body.startDate).toMatch(/\.\d{3}Z$/);
    expect(body).not.toHaveProperty("hostRoomUrl");
    expect(body).not.toHaveProperty("viewerRoomUrl");
  });

  it("builds room names from a lowercased prefix and the human-short pattern", async () => {
    const org = await createOrg();
    const { body } = await createMeeting(org, { roomNamePrefix: "Team-A", roomNamePattern: "human-short" });
    expect(body.roomName).toMatch(/^\/team-a-[abcdefghjkmnpqrstuvwxyz23456789]{6}$/);
  });

  it("returns host and viewer URLs only when asked, and the same keys on GET", async () => {
    const org = await createOrg();
    const { body } = await createMeeting(org, { roomMode: "group", fields: ["hostRoomUrl", "viewerRoomUrl"] });
    expect(body.hostRoomUrl).toMatch(new RegExp(`^${body.roomUrl}\\?roomKey=[A-Za-z0-9_-]{43}$`));
    expect(body.viewerRoomUrl).toMatch(new RegExp(`^${body.roomUrl}\\?viewerKey=[A-Za-z0-9_-]{43}$`));
    expect(body.hostRoomUrl).not.toContain(body.viewerRoomUrl?.toString().split("=")[1]);
    const plain = (await (await org.api(`/api/v1/meetings/${body.meetingId}`)).json()) as MeetingBody;
    expect(plain).not.toHaveProperty("hostRoomUrl");
    const asked = (await (
      await org.api(`/api/v1/meetings/${body.meetingId}?fields=hostRoomUrl,viewerRoomUrl`)
    ).json()) as MeetingBody;
    expect(asked.hostRoomUrl).toBe(body.hostRoomUrl);
    expect(asked.viewerRoomUrl).toBe(body.viewerRoomUrl);
    const stored = JSON.stringify(
      await env.DB.prepare("SELECT * FROM meetings WHERE id = ?").bind(body.meetingId).first(),
    );
    expect(stored).not.toContain(String(body.hostRoomUrl).split("=")[1]);

    const normal = (await createMeeting(org, { fields: ["viewerRoomUrl"] })).body;
    expect(normal).not.toHaveProperty("viewerRoomUrl");
  });

  it("makes viewerMode a locked group room with both URLs", async () => {
    const org = await createOrg();
    const { body } = await createMeeting(org, { templateType: "viewerMode" });
    expect(body).toMatchObject({ isLocked: true, roomMode: "group" });
    expect(body.hostRoomUrl).toContain("?roomKey=");
    expect(body.viewerRoomUrl).toContain("?viewerKey=");
  });

  it("keeps recording settings and metadata as given", async () => {
    const org = await createOrg();
    const { body } = await createMeeting(org, {
      recording: { type: "cloud", startTrigger: "automatic-2nd-participant" },
      metadata: "booking-4711",
      isLocked: true,
    });
    expect(body).toMatchObject({
      recording: { type: "cloud", startTrigger: "automatic-2nd-participant" },
      metadata: "booking-4711",
      isLocked: true,
    });
  });

  it("rejects every invalid field at once, with locations", async () => {
    const org = await createOrg();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ endDate: undefined }, ["body.endDate"]],
      [{ endDate: "tomorrow" }, ["body.endDate"]],
      [{ endDate: inHours(-1) }, ["body.endDate"]],
      [{ endDate: inHours(24 * 366) }, ["body.endDate"]],
      [
        {
          roomNamePrefix: "has space",
          roomNamePattern: "short",
          roomMode: "huge",
          metadata: "x".repeat(1001),
          fields: ["secret"],
          colour: 1,
        },
        [
          "body.colour",
          "body.fields.0",
          "body.metadata",
          "body.roomMode",
          "body.roomNamePattern",
          "body.roomNamePrefix",
        ],
      ],
      [{ roomNamePrefix: "a".repeat(40) }, ["body.roomNamePrefix"]],
      [{ templateType: "viewerMode", roomMode: "normal", isLocked: false }, ["body.isLocked", "body.roomMode"]],
      [{ recording: { type: "none", startTrigger: "automatic" } }, ["body.recording.startTrigger"]],
      [{ isLocked: "yes" }, ["body.isLocked"]],
      [{ endDate: inHours(-1), roomMode: "huge" }, ["body.endDate", "body.roomMode"]],
    ];
    for (const [patch, locations] of cases) {
      const res = await org.api("/api/v1/meetings", { method: "POST", json: { endDate: inHours(1), ...patch } });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      const errors = (await problem(res)).errors as { location: string }[];
      expect([...new Set(errors.map((e) => e.location))].sort(), JSON.stringify(patch)).toEqual(locations);
    }
    const badFields = await org.api("/api/v1/meetings?fields=nope");
    expect(((await problem(badFields)).errors as { location: string }[])[0]?.location).toBe("query.fields");
    const typo = await org.api("/api/v1/meetings?limt=5");
    expect(typo.status).toBe(400);
    expect(((await problem(typo)).errors as { location: string }[])[0]?.location).toBe("query.limt");
  });

  it("deletes idempotently, 404s unknown and other organizations' meetings", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const { body } = await createMeeting(org);
    for (const [method, path] of [
      ["GET", `/api/v1/meetings/${body.meetingId}`],
      ["DELETE", `/api/v1/meetings/${body.meetingId}`],
      ["GET", `/api/v1/rooms/${body.roomName.slice(1)}/theme`],
    ] as const) {
      const res = await other.api(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await problem(res)).code).toBe("not_found");
    }
    expect((await org.api(`/api/v1/meetings/${body.meetingId}`, { method: "DELETE" })).status).toBe(204);
    expect((await org.api(`/api/v1/meetings/${body.meetingId}`, { method: "DELETE" })).status).toBe(204);
    expect((await org.api(`/api/v1/meetings/${body.meetingId}`)).status).toBe(404);
    expect((await org.api("/api/v1/meetings/mtg_unknown", { method: "DELETE" })).status).toBe(404);
  });

  it("treats a meeting past endDate + 1 h as gone before the cleanup job runs", async () => {
    const org = await createOrg();
    const { body } = await createMeeting(org);
    await env.DB.prepare("UPDATE meetings SET end_date = ?, expires_at = ? WHERE id = ?")
      .bind(Date.now() - 3_700_000, Date.now() - 100_000, body.meetingId)
      .run();
    expect((await org.api(`/api/v1/meetings/${body.meetingId}`)).status).toBe(404);
    const list = (await (await org.api("/api/v1/meetings")).json()) as { results: MeetingBody[] };
    expect(list.results.map((m) => m.meetingId)).not.toContain(body.meetingId);
    expect((await org.api(`/api/v1/rooms/${body.roomName.slice(1)}/theme`)).status).toBe(404);
    expect((await org.api(`/api/v1/meetings/${body.meetingId}`, { method: "DELETE" })).status).toBe(204);
    const deleted = (await (await org.api("/api/v1/events?type=meeting.deleted")).json()) as { results: unknown[] };
    expect(deleted.results).toHaveLength(0);
  });

  it("enforces scopes: read cannot write, write cannot read", async () => {
    const reader = await createOrg("professional", { scopes: ["read"] });
    const writer = await createOrg("professional", { scopes: ["write"] });
    expect((await reader.api("/api/v1/meetings")).status).toBe(200);
    expect((await createMeeting(reader)).res.status).toBe(403);
    expect((await reader.api("/api/v1/meetings/mtg_x", { method: "DELETE" })).status).toBe(403);
    const { res, body } = await createMeeting(writer);
    expect(res.status).toBe(201);
    expect((await writer.api(`/api/v1/meetings/${body.meetingId}`)).status).toBe(403);
    expect((await writer.api("/api/v1/events")).status).toBe(403);
  });

  it("replays an idempotent POST and charges the documented points", async () => {
    const org = await createOrg();
    const first = await createMeeting(org, {}, { "idempotency-key": "mtg-1" });
    const remainingAfterPost = Number(first.res.headers.get("x-ratelimit-remaining"));
    expect(remainingAfterPost).toBe(1000 - 3);
    const replay = await org.api("/api/v1/meetings", {
      method: "POST",
      headers: { "idempotency-key": "mtg-1" },
      json: { endDate: inHours(5) },
    });
    expect(replay.status).toBe(422); // different body, same key
    const get = await org.api(`/api/v1/meetings/${first.body.meetingId}`);
    expect(Number(get.headers.get("x-ratelimit-remaining"))).toBe(remainingAfterPost - 3 - 1);
    const del = await org.api(`/api/v1/meetings/${first.body.meetingId}`, { method: "DELETE" });
    expect(Number(del.headers.get("x-ratelimit-remaining"))).toBe(remainingAfterPost - 3 - 1 - 2);
  });

  it("replays the same POST with the same Idempotency-Key without creating a second meeting", async () => {
    const org = await createOrg();
    const json = { endDate: inHours(3), metadata: "once" };
    const send = () => org.api("/api/v1/meetings", { method: "POST", headers: { "idempotency-key": "same" }, json });
    const a = await send();
    const b = await send();
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(await b.json()).toEqual(await a.json());
    const count = await env.DB.prepare("SELECT count(*) AS n FROM meetings WHERE org_id = ?")
      .bind(org.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("filters the list by room name prefix", async () => {
    const org = await createOrg();
    await createMeeting(org, { roomNamePrefix: "sales" });
    await createMeeting(org, { roomNamePrefix: "sales" });
    await createMeeting(org, { roomNamePrefix: "support" });
    const list = (await (await org.api("/api/v1/meetings?roomNamePrefix=sales")).json()) as { results: MeetingBody[] };
    expect(list.results).toHaveLength(2);
    for (const m of list.results) expect(m.roomName.startsWith("/sales-")).toBe(true);
  });
});

describe("meeting lists under concurrent change", () => {
  it("pages through 250 meetings while rows are inserted and deleted, seeing each survivor once", async () => {
    const org = await createOrg("enterprise", { limits: { pointsPerMinute: 100000 } });
    const base = Date.now() - 60_000;
    // Seed directly: 250 rows, several sharing a created_at so the id tie-breaker matters.
    const seeded: string[] = [];
    const statements = [];
    for (let i = 0; i < 250; i++) {
      const id = `mtg_seed${String(i).padStart(4, "0")}${org.id.slice(4, 14)}`;
      seeded.push(id);
      statements.push(
        env.DB.prepare(
          `INSERT INTO meetings (id, org_id, room_name, start_date, end_date, expires_at, is_locked, room_mode, recording, created_at)
           VALUES (?, ?, ?, ?, ?, ?, 0, 'normal', '{"type":"none","startTrigger":"none"}', ?)`,
        ).bind(id, org.id, `/seed-${id}`, base, base + 86_400_000, base + 90_000_000, base + Math.floor(i / 5)),
      );
    }
    await env.DB.batch(statements);

    const seen: string[] = [];
    const deleted = new Set<string>();
    let cursor: string | null = null;
    let page = 0;
    do {
      const res = await org.api(`/api/v1/meetings?limit=37${cursor ? `&cursor=${cursor}` : ""}`);
      const body = (await res.json()) as { results: MeetingBody[]; cursor: string | null };
      seen.push(...body.results.map((m) => m.meetingId));
      cursor = body.cursor;
      // Between pages: two new meetings appear, and one not-yet-seen original is deleted.
      await Promise.all([createMeeting(org), createMeeting(org)]);
      const victim = seeded.find((id) => !seen.includes(id) && !deleted.has(id));
      if (victim && page % 2 === 0) {
        deleted.add(victim);
        expect((await org.api(`/api/v1/meetings/${victim}`, { method: "DELETE" })).status).toBe(204);
      }
      page++;
    } while (cursor);

    const seenOriginals = seen.filter((id) => seeded.includes(id));
    expect(new Set(seenOriginals).size).toBe(seenOriginals.length);
    expect(seenOriginals.sort()).toEqual(seeded.filter((id) => !deleted.has(id)).sort());
    expect(deleted.size).toBeGreaterThan(0);
  });
});
