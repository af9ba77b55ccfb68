import { describe, expect, it } from "vitest";
import { advanceGateClock } from "./gate-clock";
import { createOrg, env, problem, type TestOrg } from "./helpers";
import { aiEnvironment, seg } from "./transcription-helpers";
import { pcmWav } from "./wav";

type Json = Record<string, unknown>;
type Ai = ReturnType<typeof aiEnvironment>;
type Summary = Json & { summaryId: string; state: string; summary: Json | null; error: string | null };

const meeting = (topic: string) =>
  Array.from({ length: 6 }, (_, i) =>
    seg(i % 2 ? "Speaker 2" : "Speaker 1", i * 5, i * 5 + 4, `${topic} line ${i}: we decided to ship on Friday.`),
  );

async function importTranscript(ai: Ai, org: TestOrg, topic: string) {
  const res = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { segments: meeting(topic) } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { transcriptionId: string }).transcriptionId;
}

async function summarise(ai: Ai, org: TestOrg, json: Json) {
  const res = await ai.fetch(org, "/api/v1/summaries", { method: "POST", json });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Summary;
}

const getSummary = async (org: TestOrg, id: string) =>
  (await (await org.api(`/api/v1/summaries/${id}`)).json()) as Summary;

const used = async (org: TestOrg) =>
  ((await (await org.api("/api/v1/organization")).json()) as { usage: { aiGenerations: { used: number } } }).usage
    .aiGenerations.used;

async function eventsOf(org: TestOrg, type: string) {
  const res = await org.api(`/api/v1/events?type=${type}`);
  return ((await res.json()) as { results: { data: Json }[] }).results;
}

async function chatRequests(ai: Ai, match: string) {
  const res = await fetch(`${ai.base}/__fake/requests?route=chat&match=${encodeURIComponent(match)}`);
  return (await res.json()) as { messages: { role: string; content: string }[] }[];
}

const summaryJob = (summary: Summary, org: TestOrg) => ({
  kind: "summary.v1",
  summaryId: summary.summaryId,
  orgId: org.id,
});

describe("creating and generating a summary", () => {
  it("reserves a generation on POST, queues the job, and the job writes it once however often it runs", async () => {
    const ai = aiEnvironment("sum-happy");
    const org = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-happy");
    await ai.fetch(org, `/api/v1/transcriptions/${transcriptionId}/speakers`, {
      method: "PUT",
      json: { "Speaker 1": "Dr Grey" },
    });
    const res = await ai.fetch(org, "/api/v1/summaries", { method: "POST", json: { transcriptionId } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Summary;
    expect(res.headers.get("location")).toBe(`/api/v1/summaries/${created.summaryId}`);
    expect(created.summaryId).toMatch(/^sum_[0-9A-Za-z]{22}$/);
    expect(Object.keys(created).sort()).toEqual(
      [
        "summaryId",
        "transcriptionId",
        "roomName",
        "state",
        "template",
        "language",
        "summary",
        "model",
        "error",
        "createdAt",
        "modifiedAt",
      ].sort(),
    );
    expect(created).toMatchObject({
      transcriptionId,
      state: "in_progress",
      template: "General Bulleted",
      summary: null,
      model: null,
      error: null,
    });
    expect(await used(org)).toBe(1);
    expect(ai.sent).toEqual([summaryJob(created, org)]);

    const first = await ai.runJobs([summaryJob(created, org)]);
    expect(first.explicitAcks).toHaveLength(1);
    const ready = await getSummary(org, created.summaryId);
    expect(ready).toMatchObject({ state: "ready", model: env.OPENAI_TEXT_MODEL, error: null });
    expect(ready.summary).toEqual({
      summary: expect.any(String),
      sections: expect.any(Array),
      actionItems: expect.any(Array),
      decisions: expect.any(Array),
    });
    const sections = (ready.summary as { sections: { heading: string }[] }).sections;
    expect(sections.map((s) => s.heading)).toEqual(["Overview", "Discussion Points", "Questions Raised", "Next Steps"]);
    expect(Date.parse(ready.modifiedAt as string)).toBeGreaterThanOrEqual(Date.parse(created.createdAt as string));
    const [request] = await chatRequests(ai, "sum-happy line");
    const prompt = JSON.stringify(request?.messages);
    expect(prompt).toContain("Dr Grey: sum-happy line 0");
    expect(prompt).toContain("Discussion Points");

    await ai.runJobs([summaryJob(created, org), summaryJob(created, org)]);
    expect(await chatRequests(ai, "sum-happy line")).toHaveLength(1);
    expect(await used(org)).toBe(1);
    const finished = await eventsOf(org, "summary.finished");
    expect(finished.map((e) => e.data)).toEqual([{ summaryId: created.summaryId, transcriptionId }]);
  });

  it("uses the template's instructions and headings, and the language asked for", async () => {
    const ai = aiEnvironment("sum-soap");
    const org = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-soap");
    const created = await summarise(ai, org, { transcriptionId, template: "SOAP", language: "de" });
    expect(created).toMatchObject({ template: "SOAP", language: "de" });
    await ai.runJobs([summaryJob(created, org)]);
    const prompt = JSON.stringify((await chatRequests(ai, "sum-soap line"))[0]?.messages);
    for (const heading of ["Subjective", "Objective", "Assessment", "Plan"]) expect(prompt).toContain(heading);
    expect((await getSummary(org, created.summaryId)).state).toBe("ready");
  });

  it("answers 409 for a second summary or a transcription not ready, 404 for another organization's, 400 for bad input", async () => {
    const ai = aiEnvironment("sum-errors");
    const org = await createOrg("professional");
    const other = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-errors");
    await summarise(ai, org, { transcriptionId });
    const twice = await ai.fetch(org, "/api/v1/summaries", { method: "POST", json: { transcriptionId } });
    expect(twice.status).toBe(409);
    expect((await problem(twice)).code).toBe("conflict");
    const foreign = await ai.fetch(other, "/api/v1/summaries", { method: "POST", json: { transcriptionId } });
    expect(foreign.status).toBe(404);
    const unknown = await ai.fetch(org, "/api/v1/summaries", { method: "POST", json: { transcriptionId: "trn_nope" } });
    expect(unknown.status).toBe(404);
    for (const json of [
      {},
      { transcriptionId, template: "Haiku" },
      { transcriptionId, language: "german" },
      { transcriptionId, x: 1 },
    ]) {
      const res = await ai.fetch(org, "/api/v1/summaries", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect(await used(org)).toBe(1);
    expect(await used(other)).toBe(0);
  });

  it("answers 409 while the transcription is in progress", async () => {
    const ai = aiEnvironment("sum-409");
    const org = await createOrg("professional");
    const wav = pcmWav(1);
    const upload = await org.api("/api/v1/recordings?filename=a.wav", {
      method: "POST",
      headers: { "content-type": "audio/wav" },
      body: wav,
    });
    expect(upload.status).toBe(201);
    const { recordingId } = (await upload.json()) as { recordingId: string };
    const started = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
    const { transcriptionId } = (await started.json()) as { transcriptionId: string };
    const res = await ai.fetch(org, "/api/v1/summaries", { method: "POST", json: { transcriptionId } });
    expect(res.status).toBe(409);
    expect(await used(org)).toBe(0);
  });
});

describe("summaries without an OpenAI key", () => {
  it("are written offline by the extractive provider in the template's headings", async () => {
    const ai = aiEnvironment("sum-offline", { OPENAI_API_KEY: "" });
    const org = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-offline");
    const created = await summarise(ai, org, { transcriptionId, template: "SOAP" });
    await ai.runJobs([summaryJob(created, org)]);
    const ready = await getSummary(org, created.summaryId);
    expect(ready).toMatchObject({ state: "ready", model: "parley-extractive", error: null });
    const sections = (ready.summary as { sections: { heading: string }[] }).sections;
    expect(sections.map((s) => s.heading)).toEqual(["Subjective", "Objective", "Assessment", "Plan"]);
    expect(await used(org)).toBe(1);
  });
});

describe("summaries on the AI quota", () => {
  it("refuses at once with 429 ai_limit_exceeded when the month is used up, storing nothing", async () => {
    const ai = aiEnvironment("sum-quota");
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 1 } });
    const a = await importTranscript(ai, org, "sum-quota-a");
    const b = await importTranscript(ai, org, "sum-quota-b");
    await summarise(ai, org, { transcriptionId: a });
    const refused = await ai.fetch(org, "/api/v1/summaries", { method: "POST", json: { transcriptionId: b } });
    expect(refused.status).toBe(429);
    const body = await problem(refused);
    expect(body).toMatchObject({ code: "ai_limit_exceeded", resetAt: expect.any(String) });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const list = (await (await org.api("/api/v1/summaries")).json()) as { results: unknown[] };
    expect(list.results).toHaveLength(1);
    expect(ai.sent).toHaveLength(1);
  });

  it("fails with a readable error, emits summary.failed and refunds once when the provider fails", async () => {
    const ai = aiEnvironment("sum-fail", { OPENAI_MAX_RETRIES: "0" });
    const org = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-fail");
    const other = await importTranscript(ai, org, "sum-fail-other");
    await summarise(ai, org, { transcriptionId: other }); // stays reserved: a double refund would show
    const created = await summarise(ai, org, { transcriptionId });
    expect(await used(org)).toBe(2);
    await ai.program({ route: "chat", match: "sum-fail line", status: 500 });
    const result = await ai.runJobs([summaryJob(created, org)]);
    expect(result.explicitAcks).toHaveLength(1);
    const failed = await getSummary(org, created.summaryId);
    expect(failed).toMatchObject({ state: "failed", summary: null, model: null });
    expect(failed.error).toMatch(/AI provider failed \(HTTP 500/);
    expect(failed.error).not.toContain("fake-openai");
    expect(await used(org)).toBe(1);
    await ai.runJobs([summaryJob(created, org)]);
    expect(await used(org)).toBe(1);
    const events = await eventsOf(org, "summary.failed");
    expect(events.map((e) => e.data)).toEqual([{ summaryId: created.summaryId, transcriptionId, error: failed.error }]);
  });

  it("fails and refunds a summary whose job the queue gave up on (dead letter)", async () => {
    const ai = aiEnvironment("sum-dlq");
    const org = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-dlq");
    const created = await summarise(ai, org, { transcriptionId });
    const result = await ai.runJobs([summaryJob(created, org)], { queue: "ai-jobs-dlq" });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await getSummary(org, created.summaryId)).toMatchObject({ state: "failed", error: expect.any(String) });
    expect(await used(org)).toBe(0);
  });

  it("holds a queued summary's generation for hours, gives it back after, and counts it again if the job then finishes", async () => {
    const ai = aiEnvironment("sum-expiry");
    const org = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-expiry");
    const created = await summarise(ai, org, { transcriptionId });
    await advanceGateClock(org.id, 60 * 60 * 1000);
    expect(await used(org)).toBe(1);
    await advanceGateClock(org.id, 3 * 60 * 60 * 1000 + 1000);
    expect(await used(org)).toBe(0);
    await ai.runJobs([summaryJob(created, org)]);
    expect((await getSummary(org, created.summaryId)).state).toBe("ready");
    expect(await used(org)).toBe(1);
  });

  it("refunds the generation of a summary deleted before its job ran", async () => {
    const ai = aiEnvironment("sum-deleted");
    const org = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-deleted");
    const created = await summarise(ai, org, { transcriptionId });
    expect((await org.api(`/api/v1/summaries/${created.summaryId}`, { method: "DELETE" })).status).toBe(204);
    await ai.runJobs([summaryJob(created, org)]);
    expect(await used(org)).toBe(0);
    expect(await chatRequests(ai, "sum-deleted line")).toHaveLength(0);
  });
});

describe("listing, reading and deleting summaries", () => {
  it("lists newest first with a transcriptionId filter and keyset pages; GET one; DELETE → 204 then 404", async () => {
    const ai = aiEnvironment("sum-list");
    const org = await createOrg("professional");
    const ids = [];
    for (const topic of ["l1", "l2", "l3"]) {
      const transcriptionId = await importTranscript(ai, org, `sum-list-${topic}`);
      ids.push({ transcriptionId, summaryId: (await summarise(ai, org, { transcriptionId })).summaryId });
    }
    const page1 = (await (await org.api("/api/v1/summaries?limit=2")).json()) as { results: Summary[]; cursor: string };
    expect(page1.results.map((s) => s.summaryId)).toEqual([ids[2]?.summaryId, ids[1]?.summaryId]);
    const page2 = (await (await org.api(`/api/v1/summaries?limit=2&cursor=${page1.cursor}`)).json()) as {
      results: Summary[];
      cursor: string | null;
    };
    expect(page2).toEqual({ results: [expect.objectContaining({ summaryId: ids[0]?.summaryId })], cursor: null });
    const filtered = (await (await org.api(`/api/v1/summaries?transcriptionId=${ids[1]?.transcriptionId}`)).json()) as {
      results: Summary[];
    };
    expect(filtered.results.map((s) => s.summaryId)).toEqual([ids[1]?.summaryId]);
    expect((await org.api("/api/v1/summaries?cursor=garbage")).status).toBe(400);

    const one = ids[0]?.summaryId as string;
    expect((await org.api(`/api/v1/summaries/${one}`)).status).toBe(200);
    expect((await org.api(`/api/v1/summaries/${one}`, { method: "DELETE" })).status).toBe(204);
    expect((await org.api(`/api/v1/summaries/${one}`)).status).toBe(404);
    expect((await org.api(`/api/v1/summaries/${one}`, { method: "DELETE" })).status).toBe(204);
    // The transcription can be summarised again.
    await summarise(ai, org, { transcriptionId: ids[0]?.transcriptionId });
  });

  it("404s another organization's summary on every route and needs read for GET, write for POST/DELETE", async () => {
    const ai = aiEnvironment("sum-tenancy");
    const org = await createOrg("professional");
    const other = await createOrg("professional");
    const transcriptionId = await importTranscript(ai, org, "sum-tenancy");
    const { summaryId } = await summarise(ai, org, { transcriptionId });
    expect((await other.api(`/api/v1/summaries/${summaryId}`)).status).toBe(404);
    expect((await other.api(`/api/v1/summaries/${summaryId}`, { method: "DELETE" })).status).toBe(404);
    const foreignList = (await (await other.api(`/api/v1/summaries?transcriptionId=${transcriptionId}`)).json()) as {
      results: unknown[];
    };
    expect(foreignList.results).toEqual([]);
    expect((await org.api(`/api/v1/summaries/${summaryId}`)).status).toBe(200);

    const keyOf = async (scopes: string[]) => {
      const res = await org.api("/api/v1/api-keys", { method: "POST", json: { name: scopes[0], scopes } });
      return { ...org, key: ((await res.json()) as { key: string }).key };
    };
    const reader = await keyOf(["read"]);
    const writer = await keyOf(["write"]);
    expect((await ai.fetch(reader, "/api/v1/summaries", { method: "POST", json: { transcriptionId } })).status).toBe(
      403,
    );
    expect((await ai.fetch(reader, `/api/v1/summaries/${summaryId}`, { method: "DELETE" })).status).toBe(403);
    expect((await ai.fetch(writer, "/api/v1/summaries")).status).toBe(403);
    expect((await ai.fetch(writer, `/api/v1/summaries/${summaryId}`)).status).toBe(403);
    expect((await ai.fetch(reader, `/api/v1/summaries/${summaryId}`)).status).toBe(200);
    expect((await ai.fetch(writer, `/api/v1/summaries/${summaryId}`, { method: "DELETE" })).status).toBe(204);
  });
});

describe("deleting a transcription", () => {
  it("removes its summary and cached AI results, and leaves other transcriptions' alone", async () => {
    const ai = aiEnvironment("sum-cascade");
    const org = await createOrg("professional");
    const gone = await importTranscript(ai, org, "sum-cascade-a");
    const kept = await importTranscript(ai, org, "sum-cascade-b");
    for (const id of [gone, kept]) {
      await summarise(ai, org, { transcriptionId: id });
      expect((await ai.fetch(org, `/api/v1/transcriptions/${id}/keypoints`, { method: "POST" })).status).toBe(201);
    }
    const rows = async (table: string, id: string) =>
      (
        await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE transcription_id = ?`)
          .bind(id)
          .first<{ n: number }>()
      )?.n;
    expect((await org.api(`/api/v1/transcriptions/${gone}`, { method: "DELETE" })).status).toBe(204);
    expect(await rows("summaries", gone)).toBe(0);
    expect(await rows("ai_results", gone)).toBe(0);
    expect(await rows("summaries", kept)).toBe(1);
    expect(await rows("ai_results", kept)).toBe(1);
  });
});
