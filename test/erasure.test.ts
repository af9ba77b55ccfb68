import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import type { Queues } from "../src/queues/producer";
import { createErasure, runErasure } from "../src/services/erasures";
import { orgGate } from "../src/services/org-gate";
import { exportKey } from "../src/storage/keys";
import { Browser, invite, PASSWORD } from "./dashboard-helpers";
import { erase, erasureDeps, getErasure, requestErasure, sha256, tenantRows } from "./erasure-helpers";
import { admin, call, createMeeting, createOrg, env, problem, type TestOrg } from "./helpers";
import { post } from "./room-events-helpers";
import { aiEnvironment, importSegments, seg } from "./transcription-helpers";
import { pcmWav } from "./wav";

type Json = Record<string, unknown>;
type Ai = ReturnType<typeof aiEnvironment>;

/** The person to forget, under each of the three fields, and someone whose data must stay. */
const ADA = { displayName: "Ada Lovelace", email: "ada@example.com", externalId: "user-ada" };
const BOB = { displayName: "Bob Stone", email: "bob@example.com", externalId: "user-bob" };
const ADA_VALUES = Object.values(ADA);

describe("POST /api/v1/erasure", () => {
  it("takes exactly one non-blank subject and answers 202 with its hash, never the value", async () => {
    const org = await createOrg();
    for (const json of [{}, { email: "a@b.c", displayName: "A" }, { displayName: "" }, { displayName: "   " }]) {
      const res = await org.api("/api/v1/erasure", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(await problem(res)).toMatchObject({ code: "validation_error" });
    }
    const res = await org.api("/api/v1/erasure", { method: "POST", json: { displayName: "  Zoë Ünal " } });
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text.toLowerCase()).not.toContain("zoë");
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      erasureId: expect.stringMatching(/^era_/),
      state: "in_progress",
      subject: { field: "displayName", sha256: await sha256("zoë ünal") },
    });
    expect(res.headers.get("location")).toBe(`/api/v1/erasure/${body.erasureId}`);
  });

  it("needs the admin scope, and another organization's erasure is 404", async () => {
    const org = await createOrg();
    const reader = await createOrg("professional", { scopes: ["read", "write"] });
    expect((await reader.api("/api/v1/erasure", { method: "POST", json: { email: "a@b.c" } })).status).toBe(403);
    const { erasureId } = await requestErasure(org, { email: "a@b.c" });
    const other = await createOrg();
    expect((await other.api(`/api/v1/erasure/${erasureId}`)).status).toBe(404);
  });
});

/** Puts the two people into every kind of record an organization has, through the API. */
async function seed(org: TestOrg, ai: Ai) {
  const { body: meeting } = await createMeeting(org, {
    metadata: `{"host":"${ADA.displayName}","contact":"${ADA.email}","owner":"${ADA.externalId}","cohost":"${BOB.displayName}"}`,
  });
  const roomName = meeting.roomName;
  const base = Date.now() - 30 * 60_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  const join = (p: string, m: number, extra: Json = {}) => ({
    type: "room.client.joined" as const,
    roomName,
    participantId: p,
    occurredAt: at(m),
    ...extra,
  });
  await post(org, [
    join("p-ada", 0, { displayName: ADA.displayName, externalId: ADA.externalId }),
    join("p-bob", 1, { displayName: BOB.displayName, externalId: BOB.externalId }),
    { ...join("p-ada", 10), type: "room.client.left" },
    { ...join("p-bob", 12), type: "room.client.left" },
    { ...join("p-ada-2", 20, { displayName: "ada lovelace" }), type: "room.client.knocked" },
  ]);
  const recording = await org.api(
    `/api/v1/recordings?filename=${encodeURIComponent(`${ADA.displayName} standup.webm`)}`,
    {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0, 0, 0, 0]),
    },
  );
  expect(recording.status, await recording.clone().text()).toBe(201);
  const recordingId = ((await recording.json()) as { recordingId: string }).recordingId;

  const withAda = await importSegments(
    org,
    [
      seg(ADA.displayName, 0, 4, "I will send the budget by Friday."),
      seg(BOB.displayName, 5, 9, `Thanks ${ADA.displayName}, write to ${ADA.email} or ping ${ADA.externalId}.`),
      seg("Speaker 3", 10, 14, "We decided to ship the beta on March 3."),
      seg(BOB.displayName, 15, 19, "Let's meet Friday? Bob will book the room."),
    ],
    { meetingId: meeting.meetingId },
  );
  const renamed = await org.api(`/api/v1/transcriptions/${withAda.transcriptionId}/speakers`, {
    method: "PUT",
    json: { "Speaker 3": "ADA LOVELACE" },
  });
  expect(renamed.status).toBe(200);
  const bobOnly = await importSegments(org, [
    seg(BOB.displayName, 0, 4, "We decided to go with the usage-based plan."),
    seg(BOB.displayName, 5, 9, "I will write the pricing page by Friday."),
  ]);
  const summaryIds: Record<string, string> = {};
  for (const t of [withAda, bobOnly]) {
    const res = await ai.fetch(org, "/api/v1/summaries", {
      method: "POST",
      json: { transcriptionId: t.transcriptionId },
    });
    expect(res.status).toBe(201);
    const { summaryId } = (await res.json()) as { summaryId: string };
    await ai.runJobs([{ kind: "summary.v1", summaryId, orgId: org.id }]);
    summaryIds[t.transcriptionId] = summaryId;
    const keypoints = await ai.fetch(org, `/api/v1/transcriptions/${t.transcriptionId}/keypoints`, {
      method: "POST",
      json: {},
    });
    expect(keypoints.status).toBe(201);
  }
  expect(
    JSON.stringify(await (await org.api(`/api/v1/summaries/${summaryIds[withAda.transcriptionId]}`)).json()),
  ).toMatch(/ada lovelace/i);
  const key = await org.api("/api/v1/api-keys", { method: "POST", json: { name: `${ADA.displayName} laptop` } });
  expect(key.status).toBe(201);
  const hook = await org.api("/api/v1/webhooks", {
    method: "POST",
    json: { url: "https://example.com/hook", events: ["webhook.test"], description: `Alerts for ${ADA.email}` },
  });
  expect(hook.status).toBe(201);
  return { meeting, roomName, recordingId, withAda, bobOnly, summaryIds };
}

const results = async (org: TestOrg, path: string) =>
  ((await (await org.api(path)).json()) as { results: Json[] }).results;

/**
 * Calls every GET route of the organization (each list, each object in it, every transcript format, the
 * signed file links) and returns what each answered, headers and body; fails when a GET route in the OpenAPI
 * document is not among them (so a new route has to be added here).
 */
async function everyResponse(org: TestOrg, erasureIds: string[]) {
  const paths = new Set<string>([
    "/api/v1/organization",
    "/api/v1/meetings?limit=100",
    "/api/v1/recordings?limit=100",
    "/api/v1/transcriptions?limit=100",
    "/api/v1/summaries?limit=100",
    "/api/v1/events?limit=100",
    "/api/v1/api-keys",
    "/api/v1/webhooks",
    "/api/v1/insights/rooms?limit=100",
    ...Object.values(ADA).map((id) => `/api/v1/insights/participants?limit=100&externalId=${encodeURIComponent(id)}`),
    ...erasureIds.map((id) => `/api/v1/erasure/${id}`),
    "/api/v1/audit-log?limit=100",
    "/api/v1/exports?limit=100",
  ]);
  for (const e of await results(org, "/api/v1/exports?limit=100")) paths.add(`/api/v1/exports/${e.exportId}`);
  for (const m of await results(org, "/api/v1/meetings?limit=100")) {
    paths.add(`/api/v1/meetings/${m.meetingId}`);
    paths.add(`/api/v1/rooms/${String(m.roomName).slice(1)}/theme`);
    const sessions = await results(
      org,
      `/api/v1/insights/room-sessions?limit=100&roomName=${encodeURIComponent(String(m.roomName))}`,
    );
    paths.add(`/api/v1/insights/room-sessions?limit=100&roomName=${encodeURIComponent(String(m.roomName))}`);
    for (const s of sessions) paths.add(`/api/v1/insights/participants?limit=100&roomSessionId=${s.roomSessionId}`);
  }
  for (const r of await results(org, "/api/v1/recordings?limit=100")) {
    paths.add(`/api/v1/recordings/${r.recordingId}`);
    paths.add(`/api/v1/recordings/${r.recordingId}/access-link`);
  }
  for (const t of await results(org, "/api/v1/transcriptions?limit=100")) {
    const base = `/api/v1/transcriptions/${t.transcriptionId}`;
    for (const suffix of ["", "/insights", "/keypoints", "/feedback", "/access-link"]) paths.add(base + suffix);
    for (const format of ["json", "txt", "md", "vtt", "srt"]) paths.add(`${base}/transcript?format=${format}`);
  }
  for (const s of await results(org, "/api/v1/summaries?limit=100")) paths.add(`/api/v1/summaries/${s.summaryId}`);
  for (const e of await results(org, "/api/v1/events?limit=100")) paths.add(`/api/v1/events/${e.id}`);
  for (const k of await results(org, "/api/v1/api-keys")) {
    paths.add(`/api/v1/api-keys/${k.id}`);
  }
  for (const w of await results(org, "/api/v1/webhooks")) {
    paths.add(`/api/v1/webhooks/${w.id}`);
    paths.add(`/api/v1/webhooks/${w.id}/deliveries`);
  }
  const responses: { path: string; status: number; text: string }[] = [];
  const record = async (path: string, res: Response) => {
    const headers = [...res.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
    const text = `${headers}\n\n${new TextDecoder().decode(await res.arrayBuffer())}`;
    responses.push({ path, status: res.status, text });
    return text;
  };
  for (const path of paths) {
    const text = await record(path, await org.api(path));
    // The signed links lead to the files themselves: follow them too.
    const link = /"accessLink":"([^"]+)"/.exec(text)?.[1];
    if (link) {
      const url = new URL(link);
      await record(url.pathname + url.search, await call(url.pathname + url.search));
    }
  }
  for (const path of [`/admin/v1/organizations/${org.id}`, `/admin/v1/organizations/${org.id}/api-keys/${org.keyId}`]) {
    await record(path, await admin(path));
  }

  const document = (await (await call("/api/v1/openapi.json")).json()) as { paths: Record<string, Json> };
  const notOrgData = new Set([
    "/",
    "/health",
    "/api/v1/openapi.json",
    "/docs",
    "/files/room-logos/{logoId}",
    "/admin/v1/organizations",
  ]);
  const templates = Object.entries(document.paths)
    .filter(([template, ops]) => "get" in ops && !notOrgData.has(template))
    .map(([template]) => template);
  const called = responses.map((r) => r.path.split("?")[0] as string);
  for (const template of templates) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    expect(
      called.some((path) => pattern.test(path)),
      `GET ${template} is not searched`,
    ).toBe(true);
  }
  return responses;
}

function expectNowhere(haystacks: { where: string; text: string }[], values: string[]) {
  for (const { where, text } of haystacks) {
    for (const value of values)
      expect(text.toLowerCase(), `${where} contains ${value}`).not.toContain(value.toLowerCase());
  }
}

const KEYED_END_DATE = new Date(Date.now() + 24 * 3_600_000).toISOString();

/** `POST /api/v1/meetings` with an Idempotency-Key, the same body every time. */
function keyedMeeting(org: TestOrg, key: string, fields: Json) {
  return org.api("/api/v1/meetings", {
    method: "POST",
    headers: { "idempotency-key": key },
    json: { endDate: KEYED_END_DATE, ...fields },
  });
}

describe("erasure and Idempotency-Key replays", () => {
  it("a replay after the erasure returns the redacted object, and creates nothing", async () => {
    const org = await createOrg();
    const fields = { metadata: `{"host":"${ADA.displayName}","contact":"${ADA.email}","cohost":"${BOB.displayName}"}` };
    const first = await keyedMeeting(org, "ada-meeting", fields);
    expect(first.status).toBe(201);
    const created = (await first.json()) as Json;
    await erase(org, { displayName: ADA.displayName });
    await erase(org, { email: ADA.email });

    const replay = await keyedMeeting(org, "ada-meeting", fields);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const text = await replay.text();
    expectNowhere([{ where: "replay", text }], [ADA.displayName, ADA.email]);
    expect(JSON.parse(text)).toEqual({
      ...created,
      metadata: `{"host":"[erased]","contact":"[erased]","cohost":"${BOB.displayName}"}`,
    });
    // The object as the API shows it now: the same as the replay.
    expect(await (await org.api(`/api/v1/meetings/${created.meetingId}`)).json()).toMatchObject({
      metadata: JSON.parse(text).metadata,
    });
    expect(await results(org, "/api/v1/meetings?limit=100")).toHaveLength(1);
    // The replay was stored redacted: without the erasures' hashes (as after they expire), still no subject.
    await runInDurableObject(orgGate(env, org.id), (_gate, state) => {
      state.storage.sql.exec("DELETE FROM idempotency_erasures");
    });
    const again = await (await keyedMeeting(org, "ada-meeting", fields)).text();
    expect(again).toBe(text);

    // A request made after the erasure is replayed as it was answered.
    const later = await keyedMeeting(org, "ada-again", fields);
    expect(await (await keyedMeeting(org, "ada-again", fields)).json()).toEqual(await later.json());
  }, 60_000);
});

/** A dashboard member with this name and email, signed in (invited by the operator, accepted, signed in). */
async function member(orgId: string, name: string, email: string, role: "owner" | "admin" | "agent") {
  const { token } = await invite(orgId, email, role);
  const browser = new Browser();
  expect((await browser.post("/dashboard/invitation", { token, name, password: PASSWORD })).status).toBe(303);
  expect((await browser.post("/dashboard/sign-in", { email, password: PASSWORD })).status).toBe(303);
  expect((await browser.get("/dashboard")).status).toBe(200);
  return browser;
}

const membersOf = async (orgId: string) =>
  (
    await env.DB.prepare("SELECT name, email, role FROM members WHERE org_id = ? ORDER BY email")
      .bind(orgId)
      .all<{ name: string; email: string; role: string }>()
  ).results;

/** A chat completion answering with `content` as JSON, as the fake OpenAI server answers verbatim. */
const chatAnswer = (content: unknown) => ({
  id: "chatcmpl-held",
  object: "chat.completion",
  created: Math.floor(Date.now() / 1000),
  model: "gpt-test",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: JSON.stringify(content), refusal: null },
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
});

describe("erasure and a generation running meanwhile", () => {
  it("a generation whose provider answers after the erasure finished writes and answers without the person", async () => {
    const ai = aiEnvironment("erasure-in-flight");
    const org = await createOrg();
    const { transcriptionId } = await importSegments(org, [
      seg(ADA.displayName, 0, 4, "I will send the budget by Friday."),
      seg(BOB.displayName, 5, 9, `Thanks ${ADA.displayName}.`),
    ]);
    // The provider holds its answer (which names her, as it was asked about her words) for 8 s.
    const keypoints = {
      title: `Budget with ${ADA.displayName}`,
      sections: [{ heading: "Budget", points: [`${ADA.displayName} sends the budget`] }],
      decisions: [],
      actionItems: [{ item: "Send the budget", owner: ADA.displayName, confidence: 0.9, priority: "high" }],
      participants: [ADA.displayName, BOB.displayName],
      importantDates: [],
    };
    await ai.program({ route: "chat", delayMs: 8_000, body: chatAnswer(keypoints) });
    let answered = false;
    const pending = Promise.resolve(
      ai.fetch(org, `/api/v1/transcriptions/${transcriptionId}/keypoints`, { method: "POST", json: {} }),
    ).finally(() => {
      answered = true;
    });
    await expect
      .poll(async () => ((await (await fetch(`${ai.base}/__fake/requests?route=chat`)).json()) as unknown[]).length)
      .toBe(1);

    // The erasure runs and finishes (its scan of the transcript and its generations done) while the provider holds.
    await erase(org, { displayName: ADA.displayName });
    expect(answered).toBe(false);

    const res = await pending;
    expect(res.status).toBe(201);
    const text = await res.text();
    expectNowhere([{ where: "the generation's answer", text }], [ADA.displayName]);
    expect(JSON.parse(text)).toMatchObject({ participants: ["[erased]", BOB.displayName] });
    expectNowhere(
      (await tenantRows(org.id)).map((line) => ({ where: line.slice(0, 120), text: line })),
      [ADA.displayName],
    );
  }, 60_000);
});

describe("erasure and a transcription running meanwhile", () => {
  it("a transcript whose provider answers after the erasure finished is stored without the person", async () => {
    const ai = aiEnvironment("erasure-transcribing");
    const org = await createOrg();
    const upload = await org.api("/api/v1/recordings?filename=call.wav", {
      method: "POST",
      headers: { "content-type": "audio/wav" },
      body: pcmWav(12),
    });
    expect(upload.status).toBe(201);
    const { recordingId } = (await upload.json()) as { recordingId: string };
    const started = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
    expect(started.status).toBe(201);
    const { transcriptionId } = (await started.json()) as { transcriptionId: string };
    // The audio names her; the provider holds its answer for 8 s.
    const spoken = [
      { start: 0, end: 4, text: `Hello, this is ${ADA.displayName}.`, speaker: "A" },
      { start: 5, end: 9, text: `Welcome ${ADA.displayName}, I am ${BOB.displayName}.`, speaker: "B" },
    ];
    await ai.program({
      route: "transcriptions",
      delayMs: 8_000,
      body: { task: "transcribe", language: "english", duration: 12, text: "…", segments: spoken },
    });
    let finished = false;
    const job = ai.runJobs([{ kind: "transcription.v1", transcriptionId, orgId: org.id }]).finally(() => {
      finished = true;
    });
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${ai.base}/__fake/requests?route=transcriptions`)).json()) as unknown[]).length,
      )
      .toBe(1);

    await erase(org, { displayName: ADA.displayName });
    expect(finished).toBe(false);
    await job;

    const transcript = (await (await org.api(`/api/v1/transcriptions/${transcriptionId}/transcript`)).json()) as {
      segments: { text: string }[];
    };
    expect(transcript.segments.map((segment) => segment.text)).toEqual([
      "Hello, this is [erased].",
      `Welcome [erased], I am ${BOB.displayName}.`,
    ]);
    expectNowhere(
      (await tenantRows(org.id)).map((line) => ({ where: line.slice(0, 120), text: line })),
      [ADA.displayName],
    );
  }, 60_000);
});

describe("erasure of dashboard members and invitations (SPEC §11)", () => {
  it("removes the member (their session ends) and invitations to them; the org's last owner is kept, renamed", async () => {
    const org = await createOrg();
    const owner = await member(org.id, ADA.displayName, ADA.email, "owner");
    const agent = await member(org.id, ADA.displayName, "ada.work@example.com", "agent");
    const bob = await member(org.id, BOB.displayName, BOB.email, "admin");
    await invite(org.id, "ada.private@example.com", "agent");
    await invite(org.id, "carol@example.com", "agent");

    const byName = await erase(org, { displayName: ADA.displayName });
    // The agent goes; the owner is the last one, so she stays (her email signs her in) without her name.
    expect(byName.counts).toMatchObject({ members: 1, ownersKept: 1, invitations: 0 });
    expect((await agent.get("/dashboard")).status).toBe(303);
    expect((await owner.get("/dashboard")).status).toBe(200);
    expect((await bob.get("/dashboard")).status).toBe(200);
    expect(await membersOf(org.id)).toEqual([
      { name: "[erased]", email: ADA.email, role: "owner" },
      { name: BOB.displayName, email: BOB.email, role: "admin" },
    ]);
    const sessions = await env.DB.prepare("SELECT count(*) AS n FROM dashboard_sessions WHERE org_id = ?")
      .bind(org.id)
      .first<{ n: number }>();
    expect(sessions?.n).toBe(2);

    const byEmail = await erase(org, { email: "ada.private@example.com" });
    expect(byEmail.counts).toMatchObject({ members: 0, ownersKept: 0, invitations: 1 });
    const left = await env.DB.prepare("SELECT email FROM invitations WHERE org_id = ? AND accepted_at IS NULL")
      .bind(org.id)
      .all();
    expect(left.results).toEqual([{ email: "carol@example.com" }]);

    // With another owner there, an owner who is the subject is removed like anyone else.
    await env.DB.prepare("UPDATE members SET role = 'owner' WHERE email = ?").bind(BOB.email).run();
    const ownerByEmail = await erase(org, { email: ADA.email });
    // Her accepted invitation goes with her (counted as the member).
    expect(ownerByEmail.counts).toMatchObject({ members: 1, ownersKept: 0, invitations: 0 });
    expect((await owner.get("/dashboard")).status).toBe(303);
    expect(await membersOf(org.id)).toEqual([{ name: BOB.displayName, email: BOB.email, role: "owner" }]);
    expectNowhere(
      (await tenantRows(org.id)).map((line) => ({ where: line.slice(0, 120), text: line })),
      [ADA.email, ADA.displayName, "ada.work@example.com", "ada.private@example.com"],
    );
  }, 60_000);
});

describe("erasure of a person", () => {
  it("removes them from every API response and every stored row, and leaves everyone else's data", async () => {
    const ai = aiEnvironment("erasure", { OPENAI_API_KEY: "" });
    const org = await createOrg();
    const other = await createOrg();
    const seeded = await seed(org, ai);
    const theirs = await seed(other, ai);
    // A create with an Idempotency-Key: its response (holding her) is kept 24 h for replays.
    const keyed = () => keyedMeeting(org, "e2e-ada-meeting", { metadata: `host ${ADA.displayName} <${ADA.email}>` });
    const first = await keyed();
    expect(first.status).toBe(201);
    const meetingsBefore = (await results(org, "/api/v1/meetings?limit=100")).length;

    const byName = await erase(org, { displayName: "ada lovelace" });
    expect(byName).toMatchObject({
      state: "ready",
      subject: { field: "displayName", sha256: await sha256("ada lovelace") },
      // Her join (the knock makes no participant); her two segments (one through a rename) and Bob's mention;
      // the rename; the summary and key points of the transcript that changed; the recording's file name.
      counts: { participants: 1, transcriptSegments: 3, speakerNames: 1, summaries: 1, aiResults: 1, recordings: 1 },
      completedAt: expect.any(String),
    });
    const byEmail = await erase(org, { email: "ADA@example.com " });
    expect(byEmail.counts).toMatchObject({ participants: 0, transcriptSegments: 1, summaries: 0, recordings: 0 });
    const byId = await erase(org, { externalId: ADA.externalId });
    expect(byId.counts).toMatchObject({ participants: 0, transcriptSegments: 1 });

    // A fresh export (SPEC §9), made after the erasure: the search below reads it whole through its link.
    const started = (await (await org.api("/api/v1/exports", { method: "POST" })).json()) as { exportId: string };
    await expect
      .poll(async () => ((await (await org.api(`/api/v1/exports/${started.exportId}`)).json()) as Json).state, {
        timeout: 20_000,
      })
      .toBe("ready");

    const responses = await everyResponse(org, [byName.erasureId, byEmail.erasureId, byId.erasureId]);
    const replay = await keyed();
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const replayed = (await replay.clone().json()) as Json;
    expect(replayed.meetingId).toBe(((await first.json()) as Json).meetingId);
    responses.push({ path: "replayed POST /api/v1/meetings", status: replay.status, text: await replay.text() });
    expect((await results(org, "/api/v1/meetings?limit=100")).length).toBe(meetingsBefore);
    const exported = responses.find((r) => r.path.startsWith(`/files/exports/${started.exportId}`));
    expect(exported?.status).toBe(200);
    expect(exported?.text).toContain(BOB.displayName);
    expectNowhere(
      responses.map((r) => ({ where: `GET ${r.path} (${r.status})`, text: r.text })),
      ADA_VALUES,
    );
    // The unit-level search: no column of any row of the organization holds her, in clear, anywhere.
    expectNowhere(
      (await tenantRows(org.id)).map((line) => ({ where: line.slice(0, 120), text: line })),
      ADA_VALUES,
    );
    // Bob is intact: his participant row, his words, his transcript's summary and key points.
    const bob = await results(org, `/api/v1/insights/participants?externalId=${BOB.externalId}`);
    expect(bob).toMatchObject([{ displayName: BOB.displayName, externalId: BOB.externalId }]);
    const transcript = (await (
      await org.api(`/api/v1/transcriptions/${seeded.withAda.transcriptionId}/transcript`)
    ).json()) as { speakers: string[]; segments: Json[] };
    expect(transcript.speakers).toEqual(["[erased]", BOB.displayName]);
    expect(transcript.segments.map((s) => [s.speaker, s.text])).toEqual([
      ["[erased]", "[erased]"],
      [BOB.displayName, "Thanks [erased], write to [erased] or ping [erased]."],
      ["[erased]", "[erased]"],
      [BOB.displayName, "Let's meet Friday? Bob will book the room."],
    ]);
    expect((await org.api(`/api/v1/summaries/${seeded.summaryIds[seeded.bobOnly.transcriptionId]}`)).status).toBe(200);
    expect((await org.api(`/api/v1/transcriptions/${seeded.bobOnly.transcriptionId}/keypoints`)).status).toBe(200);
    // Summaries and key points can be made again from the redacted transcript.
    const again = await ai.fetch(org, `/api/v1/transcriptions/${seeded.withAda.transcriptionId}/keypoints`, {
      method: "POST",
      json: {},
    });
    expect(again.status).toBe(201);
    expectNowhere([{ where: "regenerated key points", text: await again.text() }], ADA_VALUES);

    // Another organization's data about a person of the same name is not touched.
    const theirTranscript = await other.api(`/api/v1/transcriptions/${theirs.withAda.transcriptionId}/transcript`);
    expect(await theirTranscript.text()).toContain(ADA.displayName);
    expect((await tenantRows(other.id)).join("\n")).toContain(ADA.email);
  }, 60_000);
});

describe("the erasure job", () => {
  /** An organization where Ada is 30 of 60 participants and speaks or is named in 800 of 1,200 segments. */
  async function bigOrg() {
    const org = await createOrg();
    const { body: meeting } = await createMeeting(org);
    const base = Date.now() - 30 * 60_000;
    await post(
      org,
      Array.from({ length: 60 }, (_, i) => ({
        type: "room.client.joined" as const,
        roomName: meeting.roomName,
        participantId: `p-${i}`,
        displayName: i % 2 ? `Guest ${i}` : ADA.displayName,
        occurredAt: new Date(base + i * 1000).toISOString(),
      })),
    );
    const segments = Array.from({ length: 1200 }, (_, i) =>
      seg(i % 3 ? BOB.displayName : ADA.displayName, i, i + 1, i % 3 === 1 ? "hello ada lovelace" : "plain text"),
    );
    const { transcriptionId } = await importSegments(org, segments);
    return { org, transcriptionId, roomName: meeting.roomName, base };
  }
  const expected = { participants: 30, transcriptSegments: 800, speakerNames: 0, aiResults: 0, summaries: 0 };
  const noQueue = { storageJobs: { send: async () => {}, sendBatch: async () => {} } } as unknown as Queues;

  it("works in bounded steps that resume from saved progress, and even racing runs count each row once", async () => {
    const { org, transcriptionId, roomName, base } = await bigOrg();
    const db = createDb(env.DB);
    const row = await createErasure({ db, queues: noQueue }, org.id, { field: "displayName", value: ADA.displayName });
    let invocations = 0;
    // Two runs of the same message at once, one step each, until it is done: as redeliveries would.
    while ((await getErasure(org, row.id)).state === "in_progress") {
      invocations++;
      await Promise.all([0, 1].map(() => runErasure(erasureDeps(db), org.id, row.id, { steps: 1, statements: 1000 })));
      expect(invocations).toBeLessThan(100);
    }
    // 2 pages of participants, 2 of room events, 1 of events, 4 of metadata and 2 steps for 3 segment pages.
    expect(invocations).toBeGreaterThan(8);
    const done = await getErasure(org, row.id);
    expect(done.counts).toMatchObject(expected);
    const stored = await env.DB.prepare("SELECT subject_value, progress FROM erasures WHERE id = ?")
      .bind(row.id)
      .first();
    expect(stored).toEqual({ subject_value: null, progress: null });
    // A message delivered again after the end does nothing.
    expect(await runErasure(erasureDeps(db), org.id, row.id)).toBe("done");
    expect((await getErasure(org, row.id)).counts).toEqual(done.counts);
    const transcript = await org.api(`/api/v1/transcriptions/${transcriptionId}/transcript?format=txt`);
    const text = await transcript.text();
    expect(text.toLowerCase()).not.toContain("ada lovelace");
    expect(text.split("\n").filter((line) => line.endsWith("[erased]: [erased]"))).toHaveLength(400);
    // A late event re-derives the room from its stored events, which stay redacted.
    await post(org, [
      { type: "room.client.left", roomName, participantId: "p-0", occurredAt: new Date(base + 90_000).toISOString() },
    ]);
    const sessions = await results(org, `/api/v1/insights/room-sessions?roomName=${encodeURIComponent(roomName)}`);
    const joins = await results(
      org,
      `/api/v1/insights/participants?limit=100&roomSessionId=${sessions[0]?.roomSessionId}`,
    );
    expect(joins).toHaveLength(60);
    expect(joins.filter((j) => j.displayName === "[erased]")).toHaveLength(30);
    expect(JSON.stringify(joins).toLowerCase()).not.toContain("ada lovelace");
  }, 60_000);

  it("re-enqueues itself on the storage-jobs queue while work is left, and stops when it is done", async () => {
    const org = await createOrg();
    // 2,100 logged events naming her: more pages than one run takes.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2100)
       INSERT INTO events (id, org_id, type, data, created_at)
       SELECT printf('evt_era%05d', i), ?, 'room.client.joined', json_object('displayName', ?, 'participantId', 'p-' || i), ?
       FROM n`,
    )
      .bind(org.id, ADA.displayName, Date.now())
      .run();
    const sent: unknown[] = [];
    const capture = { send: async (body: unknown) => void sent.push(body), sendBatch: async () => {} };
    const db = createDb(env.DB);
    const row = await createErasure({ db, queues: { storageJobs: capture } as unknown as Queues }, org.id, {
      field: "displayName",
      value: ADA.displayName,
    });
    const message = { kind: "erasure.run.v1", orgId: org.id, erasureId: row.id };
    expect(sent).toEqual([message]);
    const ai = aiEnvironment("erasure-queue");
    const target = { ...env, STORAGE_JOBS_QUEUE: capture as unknown as Env["STORAGE_JOBS_QUEUE"] };
    // Each run does a bounded share, then puts the same message back until the erasure is ready.
    let runs = 0;
    for (let state = "in_progress"; state === "in_progress"; runs++) {
      const before = sent.length;
      const result = await ai.runJobs([message], { queue: "storage-jobs", target });
      expect(result.explicitAcks).toHaveLength(1);
      state = (await getErasure(org, row.id)).state;
      expect(sent.slice(before)).toEqual(state === "ready" ? [] : [message]);
      expect(runs).toBeLessThan(20);
    }
    expect(runs).toBeGreaterThan(2);
    const events = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE org_id = ? AND data LIKE '%[erased]%'")
      .bind(org.id)
      .first<{ n: number }>();
    expect(events?.n).toBe(2100);
  }, 60_000);

  it("is marked failed, its clear value dropped, when its message is dead-lettered", async () => {
    const org = await createOrg();
    const db = createDb(env.DB);
    const row = await createErasure({ db, queues: noQueue }, org.id, { field: "email", value: ADA.email });
    const message = { kind: "erasure.run.v1", orgId: org.id, erasureId: row.id };
    const result = await aiEnvironment("erasure-dlq").runJobs([message], { queue: "storage-jobs-dlq", target: env });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await getErasure(org, row.id)).toMatchObject({ state: "failed", completedAt: expect.any(String) });
    const stored = await env.DB.prepare("SELECT subject_value FROM erasures WHERE id = ?").bind(row.id).first();
    expect(stored).toEqual({ subject_value: null });
  });

  it("keeps no request (and no clear value) when its job cannot be queued", async () => {
    const org = await createOrg();
    const failing = {
      storageJobs: {
        send: async () => {
          throw new Error("queue down");
        },
      },
    } as unknown as Queues;
    const db = createDb(env.DB);
    await expect(createErasure({ db, queues: failing }, org.id, { field: "email", value: ADA.email })).rejects.toThrow(
      "queue down",
    );
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM erasures WHERE org_id = ?").bind(org.id).first();
    expect(stored).toEqual({ n: 0 });
  });

  it("deletes the finished exports made before it (they hold the person), objects first", async () => {
    const org = await createOrg();
    const now = Date.now();
    const insert = env.DB.prepare(
      "INSERT INTO data_exports (id, org_id, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    );
    await env.DB.batch([
      insert.bind("exp_old_ready", org.id, "ready", now - 60_000, now + 86_400_000),
      insert.bind("exp_running", org.id, "in_progress", now - 60_000, now + 86_400_000),
    ]);
    await env.RECORDINGS.put(exportKey(org.id, "exp_old_ready"), `{"name":"${ADA.displayName}"}`);
    await erase(org, { displayName: ADA.displayName });
    expect(await env.RECORDINGS.head(exportKey(org.id, "exp_old_ready"))).toBeNull();
    const left = await env.DB.prepare("SELECT id FROM data_exports WHERE org_id = ?").bind(org.id).all();
    expect(left.results).toEqual([{ id: "exp_running" }]);
  });
});
