import { describe, expect, it, vi } from "vitest";
import { signedInMember } from "./dashboard-helpers";
import { createMeeting, createOrg, inHours, media, type TestOrg } from "./helpers";
import { importSegments, seg } from "./transcription-helpers";

// Every member signs in with bcrypt (cost 11): a few of those per test need more than the default 5 s under load.
vi.setConfig({ testTimeout: 30_000 });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Entry = { memberId: string | null; actorType: string; route: string; objectId: string | null; status: number };
const dashboardEntries = (org: TestOrg, count: number) =>
  until(
    async () =>
      ((await (await org.api("/api/v1/audit-log?limit=100")).json()) as { results: Entry[] }).results.filter(
        (e) => e.actorType === "dashboard",
      ),
    (entries) => entries.length >= count,
  );

async function uploadRecording(org: TestOrg, filename = "call.webm") {
  const res = await org.api(`/api/v1/recordings?filename=${filename}`, {
    method: "POST",
    headers: { "content-type": "video/webm" },
    body: media(2048),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { recordingId: string };
}

describe("meetings page", () => {
  it("lists the API's meetings in keyset pages and creates one through the same service (audited, event emitted)", async () => {
    const org = await createOrg();
    for (let i = 0; i < 27; i++) await createMeeting(org, { roomNamePrefix: `pg${i}` });
    const { browser } = await signedInMember(org.id, "admin");
    const first = await (await browser.get("/dashboard/meetings")).text();
    expect(first.match(/<tr>/g)?.length).toBe(26); // header + 25
    const next = first.match(/href="(\/dashboard\/meetings\?cursor=[^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toBeDefined();
    const second = await (await browser.get(next ?? "")).text();
    expect(second.match(/<tr>/g)?.length).toBe(3);
    expect(second).not.toContain('rel="next"');

    const refused = await browser.post("/dashboard/meetings", {
      endDate: "2001-01-01T10:00",
      roomNamePrefix: "bad prefix",
      _csrf: await browser.csrf(),
    });
    expect(refused.status).toBe(400);
    const refusal = await refused.text();
    expect(refusal).toContain("Must be in the future");
    expect(refusal).toContain("Only letters, digits and hyphens");

    const end = inHours(3).slice(0, 16);
    const res = await browser.post("/dashboard/meetings", {
      endDate: end,
      roomNamePrefix: "Board",
      roomNamePattern: "human-short",
      roomMode: "group",
      isLocked: "on",
      recordingType: "cloud",
      metadata: "from the dashboard",
      _csrf: await browser.csrf(),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    const meetingId = html.match(/id="new-meeting" data-meeting="([^"]+)"/)?.[1] ?? "";
    const api = (await (await org.api(`/api/v1/meetings/${meetingId}`)).json()) as Record<string, unknown>;
    expect(api).toMatchObject({
      endDate: `${end}:00.000Z`,
      roomMode: "group",
      isLocked: true,
      recording: { type: "cloud", startTrigger: "none" },
      metadata: "from the dashboard",
    });
    expect(api.roomName).toMatch(/^\/board-[a-z0-9]{6}$/);
    expect(html).toContain(`${api.roomUrl}?roomKey=`);
    const events = (await (await org.api("/api/v1/events?type=meeting.created&limit=100")).json()) as {
      results: { data: { meetingId: string } }[];
    };
    expect(events.results.some((e) => e.data.meetingId === meetingId)).toBe(true);
    const audit = await dashboardEntries(org, 2);
    expect(audit.map((e) => [e.route, e.status])).toContainEqual(["/dashboard/meetings", 200]);
    expect(audit.find((e) => e.status === 200)?.objectId).toBe(meetingId);
  });

  it("agents read meetings but cannot create them; another org's meetings are not shown", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const mine = await createMeeting(org, { roomNamePrefix: "mine" });
    await createMeeting(other, { roomNamePrefix: "theirs" });
    const { browser } = await signedInMember(org.id, "agent");
    const page = await (await browser.get("/dashboard/meetings")).text();
    expect(page).toContain(mine.body.roomName);
    expect(page).not.toContain("/theirs-");
    expect(page).not.toContain("Create a meeting");
    const res = await browser.post("/dashboard/meetings", { endDate: inHours(2), _csrf: await browser.csrf() });
    expect(res.status).toBe(403);
  });
});

describe("recordings page", () => {
  it("lists, plays through a signed same-origin link (streamed, ranged) and deletes (bytes gone, usage back)", async () => {
    const org = await createOrg();
    const { recordingId } = await uploadRecording(org);
    const { browser } = await signedInMember(org.id, "admin");
    const list = await (await browser.get("/dashboard/recordings")).text();
    expect(list).toContain(`/dashboard/recordings/${recordingId}`);
    const page = await (await browser.get(`/dashboard/recordings/${recordingId}`)).text();
    const src = page.match(/<video[^>]* src="([^"]+)"/)?.[1]?.replaceAll("&amp;", "&") ?? "";
    expect(src).toMatch(new RegExp(`^/files/recordings/${recordingId}\\?token=`));
    const ranged = await browser.get(src, { headers: { range: "bytes=0-9" } });
    expect(ranged.status).toBe(206);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(media(2048).slice(0, 10));

    const agent = await signedInMember(org.id, "agent");
    const agentPage = await (await agent.browser.get(`/dashboard/recordings/${recordingId}`)).text();
    expect(agentPage).toContain("<video");
    expect(agentPage).not.toContain("Delete recording");
    const agentDelete = await agent.browser.post(`/dashboard/recordings/${recordingId}/delete`, {
      _csrf: await agent.browser.csrf(),
    });
    expect(agentDelete.status).toBe(403);

    const deleted = await browser.post(`/dashboard/recordings/${recordingId}/delete`, { _csrf: await browser.csrf() });
    expect(deleted.status).toBe(303);
    expect((await org.api(`/api/v1/recordings/${recordingId}`)).status).toBe(404);
    expect((await browser.get(src)).status).toBe(404);
    const usage = (await (await org.api("/api/v1/organization")).json()) as { usage: { storageBytes: number } };
    expect(usage.usage.storageBytes).toBe(0);
    const audit = await dashboardEntries(org, 1);
    expect(audit[0]).toMatchObject({ route: "/dashboard/recordings/{recordingId}/delete", objectId: recordingId });

    const other = await createOrg();
    const { browser: outsider } = await signedInMember(other.id, "owner");
    const theirs = await uploadRecording(org, "other.webm");
    expect((await outsider.get(`/dashboard/recordings/${theirs.recordingId}`)).status).toBe(404);
  });
});

describe("audit log page", () => {
  it("lists the organization's audit log with the API's filters, paged; agents are refused", async () => {
    const org = await createOrg();
    const kept = await createMeeting(org);
    await org.api(`/api/v1/meetings/${kept.body.meetingId}`, { method: "DELETE" });
    for (let i = 0; i < 3; i++) await createMeeting(org);
    await until(
      async () => ((await (await org.api("/api/v1/audit-log")).json()) as { results: unknown[] }).results,
      (r) => r.length >= 5,
    );
    const { browser } = await signedInMember(org.id, "admin");
    const all = await (await browser.get("/dashboard/audit-log?limit=2")).text();
    expect(all.match(/<tr>/g)?.length).toBe(3);
    expect(all).toMatch(/href="\/dashboard\/audit-log\?limit=2&amp;cursor=/);
    const deletes = await (await browser.get("/dashboard/audit-log?method=DELETE")).text();
    expect(deletes).toContain("/api/v1/meetings/{meetingId}");
    expect(deletes.match(/<tr>/g)?.length).toBe(2);
    expect(deletes).toContain(kept.body.meetingId);
    const byObject = await (await browser.get(`/dashboard/audit-log?objectId=${kept.body.meetingId}`)).text();
    expect(byObject.match(/<tr>/g)?.length).toBe(3); // its POST and its DELETE
    const future = await (
      await browser.get(`/dashboard/audit-log?createdAt%5Bfrom%5D=${inHours(1).slice(0, 16)}`)
    ).text();
    expect(future.match(/<tr>/g)?.length).toBe(1);
    const bad = await browser.get("/dashboard/audit-log?method=BREW");
    expect(bad.status).toBe(400);
    const agent = await signedInMember(org.id, "agent");
    expect((await agent.browser.get("/dashboard/audit-log")).status).toBe(403);
  });
});

describe("data page", () => {
  it("creates an export and lists it with its download link; requests an erasure and shows its state and counts", async () => {
    const org = await createOrg();
    await importSegments(org, [seg("Ada Lovelace", 0, 5, "Hello, I am Ada."), seg("Bob", 5, 9, "Hi Ada Lovelace.")]);
    const { browser } = await signedInMember(org.id, "admin");
    const exported = await browser.post("/dashboard/data/exports", { _csrf: await browser.csrf() });
    expect(exported.status).toBe(303);
    const page = await until(
      async () => (await browser.get("/dashboard/data")).text(),
      (html) => html.includes("/files/exports/"),
      30_000,
    );
    const link = page.match(/href="([^"]*\/files\/exports\/[^"]+)"/)?.[1]?.replaceAll("&amp;", "&") ?? "";
    const download = await fetchLocal(link);
    expect(download.status).toBe(200);
    expect(((await download.json()) as { organization: { id: string } }).organization.id).toBe(org.id);

    const refused = await browser.post("/dashboard/data/erasure", {
      field: "displayName",
      value: "  ",
      _csrf: await browser.csrf(),
    });
    expect(refused.status).toBe(400);
    const erased = await browser.post("/dashboard/data/erasure", {
      field: "displayName",
      value: "Ada Lovelace",
      _csrf: await browser.csrf(),
    });
    expect(erased.status).toBe(303);
    const erasureId = new URL(erased.headers.get("location") ?? "", "http://x").searchParams.get("erasure") ?? "";
    expect(erasureId).toMatch(/^era_/);
    const done = await until(
      async () => (await browser.get("/dashboard/data")).text(),
      (html) => html.includes(`data-erasure="${erasureId}" data-state="ready"`),
      30_000,
    );
    expect(done).toMatch(/transcriptSegments<\/th>\s*<td>2</);
    expect(done).not.toContain("Ada Lovelace");
    const api = (await (await org.api(`/api/v1/erasure/${erasureId}`)).json()) as { counts: Record<string, number> };
    expect(api.counts.transcriptSegments).toBe(2);
    const audit = await dashboardEntries(org, 3);
    expect(audit.map((e) => e.route).sort()).toEqual([
      "/dashboard/data/erasure",
      "/dashboard/data/erasure",
      "/dashboard/data/exports",
    ]);

    const agent = await signedInMember(org.id, "agent");
    expect((await agent.browser.get("/dashboard/data")).status).toBe(403);
    const agentExport = await agent.browser.post("/dashboard/data/exports", { _csrf: await agent.browser.csrf() });
    expect(agentExport.status).toBe(403);
  });
});

describe("generate key points on the transcript page", () => {
  it("generates through the API's service on the AI quota; cached after; an exhausted quota is a 429 page", async () => {
    const org = await createOrg("professional", { limits: { aiGenerationsPerMonth: 1 } });
    const { transcriptionId: id } = await importSegments(org, [
      seg("Ada", 0, 10, "We decided to ship on Friday."),
      seg("Bob", 10, 20, "Bob will write the release notes."),
    ]);
    const { browser } = await signedInMember(org.id, "admin");
    const before = await (await browser.get(`/dashboard/transcriptions/${id}`)).text();
    expect(before).toContain("Generate key points");
    const made = await browser.post(`/dashboard/transcriptions/${id}/keypoints`, { _csrf: await browser.csrf() });
    expect(made.status).toBe(303);
    const cached = await org.api(`/api/v1/transcriptions/${id}/keypoints`);
    expect(cached.status).toBe(200);
    const page = await (await browser.get(`/dashboard/transcriptions/${id}`)).text();
    expect(page).toContain("Key points");
    expect(page).toContain("Regenerate key points");
    const usage = (await (await org.api("/api/v1/organization")).json()) as {
      usage: { aiGenerations: { used: number } };
    };
    expect(usage.usage.aiGenerations.used).toBe(1);
    const again = await browser.post(`/dashboard/transcriptions/${id}/keypoints`, {
      refresh: "1",
      _csrf: await browser.csrf(),
    });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await again.text()).toContain("AI generation");

    const agent = await signedInMember(org.id, "agent");
    const refused = await agent.browser.post(`/dashboard/transcriptions/${id}/keypoints`, {
      _csrf: await agent.browser.csrf(),
    });
    expect(refused.status).toBe(403);
  });
});

/** A download link the worker signed, fetched through the worker itself (no API key, no session). */
async function fetchLocal(link: string) {
  const { call } = await import("./helpers");
  const url = new URL(link);
  return call(url.pathname + url.search);
}
