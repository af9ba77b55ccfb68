import { and, eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { recordings } from "../db/schema";
import { toHex } from "../lib/encoding";
import { publishEvents } from "../services/events";
import { orgGate } from "../services/org-gate";
import { deleteRecording, findRecording } from "../services/recordings";
import { StorageJobMessage } from "./messages";
import { logQueueError, parseBatch } from "./parse";

/** Capped exponential backoff for retried messages (seconds). */
const retryDelay = (attempts: number) => Math.min(12 * 60 * 60, 10 * 2 ** Math.min(attempts, 12));

async function handle(env: Env, job: StorageJobMessage): Promise<void> {
  const db = createDb(env.DB);
  if (job.kind === "recordings.delete.v1") {
    // Idempotent: ids already gone, unknown or of another organization are skipped by deleteRecording.
    for (const recordingId of job.recordingIds) {
      const deleted = await deleteRecording(db, env.RECORDINGS, job.orgId, recordingId);
      if (!deleted) continue;
      await orgGate(env, job.orgId).addUsage("storageBytes", -deleted.freedBytes);
      await publishEvents(env, db, [deleted.event.id]);
    }
    return;
  }
  const row = await findRecording(db, job.orgId, job.recordingId);
  if (row?.status !== "ready" || row.sha256) return;
  const object = await env.RECORDINGS.get(row.r2Key);
  if (!object) return;
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  const sha256 = toHex(await digest.digest);
  await db
    .update(recordings)
    .set({ sha256 })
    .where(and(eq(recordings.id, row.id), eq(recordings.orgId, job.orgId)));
}

/** `storage-jobs` consumer: each message acked on success, retried with backoff on failure. */
export async function consumeStorageJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const { message, body } of parseBatch(batch, StorageJobMessage)) {
    try {
      await handle(env, body);
      message.ack();
    } catch (error) {
      logQueueError(batch.queue, { kind: body.kind, error: String(error) });
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}
