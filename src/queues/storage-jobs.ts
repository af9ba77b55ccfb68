import { and, eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { recordings } from "../db/schema";
import { publishEvents } from "../services/events";
import { orgGate } from "../services/org-gate";
import { deleteRecording } from "../services/recordings";
import { StorageJobMessage } from "./messages";

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
  const row = (
    await db
      .select()
      .from(recordings)
      .where(and(eq(recordings.id, job.recordingId), eq(recordings.orgId, job.orgId)))
      .limit(1)
  )[0];
  if (row?.status !== "ready" || row.sha256) return;
  const object = await env.RECORDINGS.get(row.r2Key);
  if (!object) return;
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  const sha256 = [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  await db
    .update(recordings)
    .set({ sha256 })
    .where(and(eq(recordings.id, row.id), eq(recordings.orgId, job.orgId)));
}

/** `storage-jobs` consumer: each message acked on success, retried with backoff on failure. */
export async function consumeStorageJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = StorageJobMessage.safeParse(message.body);
    if (!parsed.success) {
      console.error(
        JSON.stringify({ level: "error", queue: batch.queue, messageId: message.id, problem: "unparseable message" }),
      );
      message.ack();
      continue;
    }
    try {
      await handle(env, parsed.data);
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({ level: "error", queue: batch.queue, kind: parsed.data.kind, error: String(error) }),
      );
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}
