import { describe, expect, it } from "vitest";
import { sweepRecordingUploads } from "../src/cron/recording-uploads";
import { createDb } from "../src/db/client";
import { COMPLETION_LEASE_MS, completeUpload } from "../src/services/recording-uploads";
import { deleteRecording } from "../src/services/recordings";
import { captureErrorLogs, createOrg, env, media, problem, type TestOrg } from "./helpers";

const SIZE = 2_000;
type Part = { partNumber: number; etag: string };
type Recording = { recordingId: string; status: string; sizeInBytes: number; sha256: string | null };

async function uploadWithPart(org: TestOrg) {
  const created = await org.api("/api/v1/recordings/uploads", {
    method: "POST",
    json: { filename: "crash.webm", contentType: "video/webm" },
  });
  const { uploadId, recordingId } = (await created.json()) as { uploadId: string; recordingId: string };
  const put = await org.api(`/api/v1/recordings/uploads/${uploadId}/parts/1`, { method: "PUT", body: media(SIZE) });
  const parts = [(await put.json()) as Part];
  const complete = (body: Part[] = parts) =>
    org.api(`/api/v1/recordings/uploads/${uploadId}/complete`, { method: "POST", json: { parts: body } });
  return { uploadId, recordingId, parts, complete };
}

/** R2 as a worker sees it that is killed right after (or right before) R2 completes the upload. */
function dyingBucket(moment: "after" | "before") {
  let reached = () => {};
  const died = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const bucket = new Proxy(env.RECORDINGS, {
    get(target, name) {
      if (name === "resumeMultipartUpload") {
        return (key: string, uploadId: string) => {
          const upload = target.resumeMultipartUpload(key, uploadId);
          return {
            key,
            uploadId,
            uploadPart: upload.uploadPart.bind(upload),
            abort: upload.abort.bind(upload),
            complete: async (parts: R2UploadedPart[]) => {
              if (moment === "after") await upload.complete(parts);
              reached();
              return new Promise(() => {});
            },
          };
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { bucket, died };
}

/** R2 whose aborts fail, as on an outage. */
function failingAborts(): R2Bucket {
  return new Proxy(env.RECORDINGS, {
    get(target, name) {
      if (name === "resumeMultipartUpload") {
        return () => ({ abort: () => Promise.reject(new Error("R2 unavailable")) });
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function crashedCompletion(org: TestOrg, moment: "after" | "before") {
  const upload = await uploadWithPart(org);
  const { bucket, died } = dyingBucket(moment);
  void completeUpload(createDb(env.DB), bucket, org.id, upload.uploadId, upload.parts);
  await died;
  return upload;
}

const storageBytes = async (org: TestOrg) =>
  ((await (await org.api("/api/v1/organization")).json()) as { usage: { storageBytes: number } }).usage.storageBytes;
const finishedEvents = async (org: TestOrg) =>
  ((await (await org.api("/api/v1/events?type=recording.finished")).json()) as { results: unknown[] }).results.length;
const recording = async (org: TestOrg, id: string) =>
  (await (await org.api(`/api/v1/recordings/${id}`)).json()) as Recording;
const objects = async (org: TestOrg) => (await env.RECORDINGS.list({ prefix: `recordings/${org.id}/` })).objects.length;
const rows = async (org: TestOrg) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM recordings WHERE org_id = ?").bind(org.id).first<{ n: number }>())
    ?.n;
const afterLease = () => Date.now() + COMPLETION_LEASE_MS + 1_000;

/** Completes the multipart upload in R2 directly, as a complete that crashed right after R2 would have. */
async function completeBehindTheApi(recordingId: string, parts: Part[]) {
  const row = (await env.DB.prepare("SELECT r2_key, r2_upload_id FROM recordings WHERE id = ?")
    .bind(recordingId)
    .first<{ r2_key: string; r2_upload_id: string }>()) as { r2_key: string; r2_upload_id: string };
  await env.RECORDINGS.resumeMultipartUpload(row.r2_key, row.r2_upload_id).complete(parts);
}

describe("multipart completion after a crash", () => {
  it("is finished by the sweeper when R2 completed: ready, bytes counted, recording.finished once", async () => {
    const org = await createOrg();
    const { recordingId, complete } = await crashedCompletion(org, "after");
    expect((await recording(org, recordingId)).status).toBe("uploading");
    expect(await objects(org)).toBe(1);

    await sweepRecordingUploads(env, Date.now()); // the lease still runs: left alone
    expect((await recording(org, recordingId)).status).toBe("uploading");
    await Promise.all([sweepRecordingUploads(env, afterLease()), sweepRecordingUploads(env, afterLease())]);
    await sweepRecordingUploads(env, afterLease());
    expect(await recording(org, recordingId)).toMatchObject({ status: "ready", sizeInBytes: SIZE });
    expect(await storageBytes(org)).toBe(SIZE);
    expect(await finishedEvents(org)).toBe(1);

    const retried = await complete();
    expect(retried.status).toBe(201);
    expect(await retried.json()).toMatchObject({ recordingId, status: "ready", sizeInBytes: SIZE });
    expect(await storageBytes(org)).toBe(SIZE);
    expect(await finishedEvents(org)).toBe(1);
    await expect.poll(async () => (await recording(org, recordingId)).sha256, { timeout: 10_000 }).toBeTruthy();
  });

  it("is finished at once by the client's retry with the same parts; other parts get 409", async () => {
    const org = await createOrg();
    const { recordingId, parts, complete } = await crashedCompletion(org, "after");
    const otherParts = await complete([{ partNumber: 1, etag: "not-the-etag" }]);
    expect(otherParts.status).toBe(409);
    expect((await problem(otherParts)).code).toBe("conflict");

    const retried = await complete(parts);
    expect(retried.status).toBe(201);
    const body = (await retried.json()) as Recording;
    expect(body).toMatchObject({ recordingId, status: "ready", sizeInBytes: SIZE });
    expect(await storageBytes(org)).toBe(SIZE);
    expect(await finishedEvents(org)).toBe(1);

    const again = await complete(parts);
    expect(again.status).toBe(201);
    expect({ ...((await again.json()) as Recording), sha256: null }).toEqual({ ...body, sha256: null });
    expect((await complete([{ partNumber: 1, etag: "not-the-etag" }])).status).toBe(409);
    await sweepRecordingUploads(env, afterLease());
    expect(await storageBytes(org)).toBe(SIZE);
    expect(await finishedEvents(org)).toBe(1);
  });

  it("is undone by the sweeper when R2 never completed, and a retry meanwhile gets 409", async () => {
    const org = await createOrg();
    const { uploadId, recordingId, complete } = await crashedCompletion(org, "before");
    const inFlight = await complete();
    expect(inFlight.status).toBe(409);
    const abort = await org.api(`/api/v1/recordings/uploads/${uploadId}`, { method: "DELETE" });
    expect((await problem(abort)).code).toBe("conflict");
    const { r2_key: key, r2_upload_id: r2UploadId } = (await env.DB.prepare(
      "SELECT r2_key, r2_upload_id FROM recordings WHERE id = ?",
    )
      .bind(recordingId)
      .first<{ r2_key: string; r2_upload_id: string }>()) as { r2_key: string; r2_upload_id: string };

    await sweepRecordingUploads(env, afterLease());
    expect(await rows(org)).toBe(0);
    expect(await objects(org)).toBe(0);
    expect(await finishedEvents(org)).toBe(0);
    const aborted = env.RECORDINGS.resumeMultipartUpload(key, r2UploadId).uploadPart(2, new Uint8Array(10));
    await expect(aborted).rejects.toThrow();
    expect((await complete()).status).toBe(404);
  });

  it("is taken over by a retry once the lease has run out", async () => {
    const org = await createOrg();
    const { recordingId, complete } = await crashedCompletion(org, "before");
    await env.DB.prepare("UPDATE recordings SET completing_at = completing_at - ? WHERE id = ?")
      .bind(COMPLETION_LEASE_MS + 1_000, recordingId)
      .run();
    const retried = await complete();
    expect(retried.status).toBe(201);
    expect(await retried.json()).toMatchObject({ recordingId, status: "ready", sizeInBytes: SIZE });
    expect(await storageBytes(org)).toBe(SIZE);
    expect(await finishedEvents(org)).toBe(1);
  });

  it("answers concurrent completes with 201 or 409, emitting and counting once", async () => {
    const org = await createOrg();
    const { recordingId, complete } = await uploadWithPart(org);
    const answers = await Promise.all(Array.from({ length: 12 }, () => complete()));
    const statuses = answers.map((r) => r.status);
    expect(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(),
    ).toBe(true);
    expect(statuses).toContain(201);
    for (const res of answers.filter((r) => r.status === 201)) {
      expect(await res.json()).toMatchObject({ recordingId, status: "ready", sizeInBytes: SIZE });
    }
    expect((await complete()).status).toBe(201);
    expect(await storageBytes(org)).toBe(SIZE);
    expect(await finishedEvents(org)).toBe(1);
  });

  it("is finished for uploads claimed by the old code (upload id cleared) once the migration has run", async () => {
    const org = await createOrg();
    const { recordingId, parts } = await uploadWithPart(org);
    await completeBehindTheApi(recordingId, parts);
    await env.DB.prepare("UPDATE recordings SET upload_id = NULL WHERE id = ?").bind(recordingId).run();
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.includes("recording_completion"));
    const claimLegacy = migration?.queries.find((q) => q.includes("UPDATE")) as string;
    await env.DB.prepare(claimLegacy).run();

    await sweepRecordingUploads(env, afterLease());
    expect(await recording(org, recordingId)).toMatchObject({ status: "ready", sizeInBytes: SIZE });
    expect(await storageBytes(org)).toBe(SIZE);
    expect(await finishedEvents(org)).toBe(1);
  });

  it("leaves no object behind when the recording is deleted before the sweeper runs", async () => {
    const org = await createOrg();
    const { recordingId } = await crashedCompletion(org, "after");
    expect(await objects(org)).toBe(1);
    expect((await org.api(`/api/v1/recordings/${recordingId}`, { method: "DELETE" })).status).toBe(204);
    expect(await objects(org)).toBe(0);
    await sweepRecordingUploads(env, afterLease());
    expect(await finishedEvents(org)).toBe(0);
    expect(await storageBytes(org)).toBe(0);
  });
});

describe("removing uploads from R2 for certain", () => {
  it("the 24-hour sweep deletes a completed object with its rows, and keeps the rows while R2 fails", async () => {
    const org = await createOrg();
    const { recordingId, parts } = await uploadWithPart(org);
    await completeBehindTheApi(recordingId, parts);
    await env.DB.prepare("UPDATE recordings SET created_at = ? WHERE id = ?")
      .bind(Date.now() - 25 * 3_600_000, recordingId)
      .run();
    expect(await objects(org)).toBe(1);
    const logs = captureErrorLogs();
    await sweepRecordingUploads({ ...env, RECORDINGS: failingAborts() }, Date.now());
    expect(await rows(org)).toBe(1);
    expect(logs()).toEqual([expect.objectContaining({ job: "recording-uploads", recordingId })]);
    await sweepRecordingUploads(env, afterLease());
    expect(await rows(org)).toBe(0);
    expect(await objects(org)).toBe(0);
  });

  it("deleting an unfinished recording keeps its row while R2 fails", async () => {
    const org = await createOrg();
    const { recordingId } = await uploadWithPart(org);
    await expect(deleteRecording(createDb(env.DB), failingAborts(), org.id, recordingId)).rejects.toThrow();
    expect(await rows(org)).toBe(1);
    expect(await deleteRecording(createDb(env.DB), env.RECORDINGS, org.id, recordingId)).not.toBeNull();
    expect(await rows(org)).toBe(0);
  });
});
