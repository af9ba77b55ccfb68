import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { orgGate } from "../src/services/org-gate";
import { GENERIC_JOB_ERROR } from "../src/services/transcription-jobs";
import { captureErrorLogs, createOrg, env, type TestOrg } from "./helpers";
import { aiEnvironment, pageRows, type Transcription } from "./transcription-helpers";
import { pcmWav } from "./wav";

async function upload(org: TestOrg, bytes: Uint8Array, type = "audio/wav", filename = "call.wav") {
  const res = await org.api(`/api/v1/recordings?filename=${filename}`, {
    method: "POST",
    headers: { "content-type": type },
    body: bytes,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { recordingId: string }).recordingId;
}

async function startTranscription(ai: ReturnType<typeof aiEnvironment>, org: TestOrg, recordingId: string) {
  const res = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as Transcription;
  return { created, job: { kind: "transcription.v1", transcriptionId: created.transcriptionId, orgId: org.id } };
}

const get = async (org: TestOrg, id: string) =>
  (await (await org.api(`/api/v1/transcriptions/${id}`)).json()) as Transcription;

async function eventsOf(org: TestOrg, type: string) {
  const res = await org.api(`/api/v1/events?type=${type}`);
  return ((await res.json()) as { results: { data: Record<string, unknown> }[] }).results;
}

const usage = async (org: TestOrg) =>
  ((await (await org.api("/api/v1/organization")).json()) as { usage: { transcriptionSeconds: number } }).usage
    .transcriptionSeconds;

/** The D1 binding, whose `which`-th batch (1-based) fails as an outage would: a fake of the platform, not of Parley. */
function failingBatch(db: D1Database, which: number): D1Database {
  let calls = 0;
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          calls += 1;
          if (calls === which) throw new Error("D1_ERROR: simulated outage");
          return target.batch(statements);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("the usage counter's idempotent add", () => {
  it("adds once per operation id, however often it is repeated", async () => {
    const org = await createOrg();
    const gate = orgGate(env, org.id);
    expect(await gate.addUsageOnce("transcriptionSeconds", 30, "trn_a")).toBe(30);
    expect(await gate.addUsageOnce("transcriptionSeconds", 30, "trn_a")).toBe(30);
    const concurrent = await Promise.all([1, 2, 3].map(() => gate.addUsageOnce("transcriptionSeconds", 5, "trn_b")));
    expect(concurrent.sort()).toEqual([35, 35, 35]);
    expect(await usage(org)).toBe(35);
    // Applied operations are stored, so a restarted object still knows them.
    await evictDurableObject(gate);
    expect(await orgGate(env, org.id).addUsageOnce("transcriptionSeconds", 30, "trn_a")).toBe(35);
  });
});

describe("transcription jobs", () => {
  it("transcribes a recording: started, then ready with segments, usage and finished", async () => {
    const ai = aiEnvironment("jobs-happy");
    const org = await createOrg();
    const recordingId = await upload(org, pcmWav(12));
    const { created, job } = await startTranscription(ai, org, recordingId);
    expect(created.state).toBe("in_progress");
    const result = await ai.runJobs([job]);
    expect(result.explicitAcks).toHaveLength(1);
    const done = await get(org, created.transcriptionId);
    expect(done).toMatchObject({
      state: "ready",
      durationInSeconds: 12,
      speakers: ["Speaker 1", "Speaker 2"],
      error: null,
    });
    expect(done.segmentCount).toBeGreaterThan(1);
    expect(await usage(org)).toBe(12);
    expect((await eventsOf(org, "transcription.started")).map((e) => e.data)).toEqual([
      { transcriptionId: created.transcriptionId, recordingId },
    ]);
    expect((await eventsOf(org, "transcription.finished")).map((e) => e.data)).toEqual([
      { transcriptionId: created.transcriptionId, recordingId, durationInSeconds: 12, segmentCount: done.segmentCount },
    ]);
  });

  it("splits a WAV over OPENAI_TRANSCRIBE_MAX_BYTES into chunks and shifts their times", async () => {
    const ai = aiEnvironment("jobs-chunks", { OPENAI_TRANSCRIBE_MAX_BYTES: "1000000" });
    const org = await createOrg();
    const recordingId = await upload(org, pcmWav(200)); // 3.2 MB: 4 chunks of at most 1 MB (62.5 s)
    const { created, job } = await startTranscription(ai, org, recordingId);
    await ai.runJobs([job]);
    const done = await get(org, created.transcriptionId);
    expect(done.state, done.error ?? "").toBe("ready");
    expect(done.durationInSeconds).toBeCloseTo(200, 1);
    const requests = (await (await fetch(`${ai.base}/__fake/requests?route=transcriptions`)).json()) as {
      file: { size: number };
    }[];
    expect(requests.length).toBe(4);
    for (const request of requests) expect(request.file.size).toBeLessThanOrEqual(1_000_000);
    const exported = await org.api(`/api/v1/transcriptions/${created.transcriptionId}/transcript?format=json`);
    const { segments } = (await exported.json()) as {
      segments: { start: number; end: number; speakerLabel: string }[];
    };
    const starts = segments.map((s) => s.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(Math.max(...segments.map((s) => s.end))).toBeGreaterThan(187);
    // Each chunk's speakers are labels of their own: two a chunk, eight in all.
    expect(new Set(segments.map((s) => s.speakerLabel)).size).toBe(8);
  }, 30_000);

  it("fails with the provider's readable error and transcription.failed when the provider fails", async () => {
    const ai = aiEnvironment("jobs-provider-fails", { OPENAI_MAX_RETRIES: "0" });
    const org = await createOrg();
    const { created, job } = await startTranscription(ai, org, await upload(org, pcmWav(3)));
    await ai.program({ route: "transcriptions", status: 500, times: 5 });
    const result = await ai.runJobs([job]);
    expect(result.explicitAcks).toHaveLength(1);
    const failed = await get(org, created.transcriptionId);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatch(/\w/);
    expect(failed.error).not.toMatch(/fake-openai-raw-error-body|stack/);
    expect((await eventsOf(org, "transcription.failed")).map((e) => e.data.error)).toEqual([failed.error]);
    expect(await usage(org)).toBe(0);
  });

  it("fails an MP3 over the limit with a reason naming the format and the limit", async () => {
    const ai = aiEnvironment("jobs-mp3", { OPENAI_TRANSCRIBE_MAX_BYTES: "1000000" });
    const org = await createOrg();
    const mp3 = new Uint8Array(1_200_000);
    mp3.set([...new TextEncoder().encode("ID3"), 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    const { created, job } = await startTranscription(ai, org, await upload(org, mp3, "audio/mpeg", "talk.mp3"));
    await ai.runJobs([job]);
    const failed = await get(org, created.transcriptionId);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatch(/MP3/i);
    expect(failed.error).toMatch(/1(\.0+)? ?MB|1,?000,?000/);
    expect(await eventsOf(org, "transcription.failed")).toHaveLength(1);
  });

  it("does not duplicate segments, usage or events when a message is delivered twice or retried", async () => {
    const ai = aiEnvironment("jobs-twice");
    const org = await createOrg();
    const { created, job } = await startTranscription(ai, org, await upload(org, pcmWav(8)));
    const first = await ai.runJobs([job, job]); // the same message twice in one batch
    expect(first.explicitAcks).toHaveLength(2);
    await ai.runJobs([job], { attempts: 2 }); // and redelivered later
    const done = await get(org, created.transcriptionId);
    expect(done.state).toBe("ready");
    const pages = await pageRows(created.transcriptionId);
    expect(pages.reduce((n, p) => n + JSON.parse(p.segments).length, 0)).toBe(done.segmentCount);
    expect(await usage(org)).toBe(8);
    for (const type of ["transcription.started", "transcription.finished"]) {
      expect(await eventsOf(org, type), type).toHaveLength(1);
    }
  });

  it("keeps one set of segments when two deliveries of the job run at the same time", async () => {
    const ai = aiEnvironment("jobs-parallel");
    const org = await createOrg();
    const { created, job } = await startTranscription(ai, org, await upload(org, pcmWav(10)));
    await Promise.all([ai.runJobs([job]), ai.runJobs([job], { attempts: 2 })]);
    const done = await get(org, created.transcriptionId);
    expect(done.state).toBe("ready");
    const pages = await pageRows(created.transcriptionId);
    expect(pages.reduce((n, p) => n + JSON.parse(p.segments).length, 0)).toBe(done.segmentCount);
    expect(done.segmentCount).toBeGreaterThan(0);
    expect(await usage(org)).toBe(10);
    expect(await eventsOf(org, "transcription.finished")).toHaveLength(1);
  });

  it("counts usage once when the job dies between adding usage and storing the result", async () => {
    const ai = aiEnvironment("jobs-crash");
    const org = await createOrg();
    const { created, job } = await startTranscription(ai, org, await upload(org, pcmWav(9)));
    const logs = captureErrorLogs();
    // Batch 1 records `started`; batch 2 (segments, ready, finished) fails after usage was added.
    const crashed = await ai.runJobs([job], { target: { ...ai.env, DB: failingBatch(env.DB, 2) } });
    expect(crashed.retryMessages).toHaveLength(1);
    expect(logs()[0]).toMatchObject({ queue: "ai-jobs", transcriptionId: created.transcriptionId });
    expect((await get(org, created.transcriptionId)).state).toBe("in_progress");
    expect(await usage(org)).toBe(9);
    await ai.runJobs([job], { attempts: 2 });
    const done = await get(org, created.transcriptionId);
    expect(done.state).toBe("ready");
    expect(await usage(org)).toBe(9);
    expect(await eventsOf(org, "transcription.started")).toHaveLength(1);
    expect(await eventsOf(org, "transcription.finished")).toHaveLength(1);
  });
});

describe("transcription jobs that cannot run", () => {
  it("acks a job whose transcription is gone or no longer in progress, changing nothing", async () => {
    const ai = aiEnvironment("jobs-stale");
    const org = await createOrg();
    const { created, job } = await startTranscription(ai, org, await upload(org, pcmWav(1)));
    await env.DB.prepare("UPDATE transcriptions SET state = 'failed', error = 'earlier' WHERE id = ?")
      .bind(created.transcriptionId)
      .run();
    const gone = { ...job, transcriptionId: "trn_gone" };
    const foreign = { ...job, orgId: (await createOrg()).id };
    const result = await ai.runJobs([job, gone, foreign]);
    expect(result.explicitAcks).toHaveLength(3);
    expect(await get(org, created.transcriptionId)).toMatchObject({ state: "failed", error: "earlier" });
    expect(await eventsOf(org, "transcription.started")).toEqual([]);
  });

  it("fails readably when the key was removed or the recording deleted after the POST", async () => {
    const ai = aiEnvironment("jobs-unconfigured");
    const org = await createOrg();
    const first = await startTranscription(ai, org, await upload(org, pcmWav(1)));
    await ai.runJobs([first.job], { target: { ...ai.env, OPENAI_API_KEY: "" } });
    expect((await get(org, first.created.transcriptionId)).error).toMatch(/OPENAI_API_KEY/);
    const recordingId = await upload(org, pcmWav(1));
    const second = await startTranscription(ai, org, recordingId);
    await org.api(`/api/v1/recordings/${recordingId}`, { method: "DELETE" });
    await ai.runJobs([second.job]);
    expect(await get(org, second.created.transcriptionId)).toMatchObject({
      state: "failed",
      error: "The recording was deleted before it was transcribed.",
    });
    expect(await eventsOf(org, "transcription.failed")).toHaveLength(2);
  });

  it("retries storage errors with backoff and fails the transcription on the last attempt or in the dead-letter queue", async () => {
    const ai = aiEnvironment("jobs-outage");
    const org = await createOrg();
    const logs = captureErrorLogs();
    const early = await startTranscription(ai, org, await upload(org, pcmWav(1)));
    const outage = { ...ai.env, DB: failingBatch(env.DB, 1) };
    const retried = await ai.runJobs([early.job], { target: outage, attempts: 1 });
    expect(retried.retryMessages).toEqual([expect.objectContaining({ msgId: expect.any(String) })]);
    expect((await get(org, early.created.transcriptionId)).state).toBe("in_progress");
    const last = await ai.runJobs([early.job], { target: { ...ai.env, DB: failingBatch(env.DB, 1) }, attempts: 6 });
    expect(last.explicitAcks).toHaveLength(1);
    expect(await get(org, early.created.transcriptionId)).toMatchObject({ state: "failed", error: GENERIC_JOB_ERROR });
    const dead = await startTranscription(ai, org, await upload(org, pcmWav(1)));
    const dlq = await ai.runJobs([dead.job], { queue: "ai-jobs-dlq" });
    expect(dlq.explicitAcks).toHaveLength(1);
    expect(await get(org, dead.created.transcriptionId)).toMatchObject({ state: "failed", error: GENERIC_JOB_ERROR });
    expect(await eventsOf(org, "transcription.failed")).toHaveLength(2);
    expect(logs().length).toBeGreaterThanOrEqual(2);
  });
});
