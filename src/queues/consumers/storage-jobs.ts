import { StorageJobMessage } from "../../contracts/queue-messages";
import { createDb } from "../../db/client";
import { failureReason, logUnwrittenAudit, writeAuditRecords } from "../../services/audit-log";
import type { HashedSubjectSpec } from "../../services/erasure/hashed-subject";
import { failErasure, runErasure } from "../../services/erasures";
import { publishEvents } from "../../services/events";
import { EXPORT_LIMITS, type ExportLimits } from "../../services/export-writer";
import { runExportJob } from "../../services/exports";
import { orgGate } from "../../services/org-gate";
import { purgeOrganization } from "../../services/organization-purge";
import { checksumRecording, deleteRecording } from "../../services/recordings";
import { deleteTranscription } from "../../services/transcriptions";
import { logQueueError, parseBatch } from "../parse";
import { queueProducer } from "../producer";

/** Capped exponential backoff for retried messages (seconds). */
const retryDelay = (attempts: number) => Math.min(12 * 60 * 60, 10 * 2 ** Math.min(attempts, 12));

async function handle(env: Env, job: StorageJobMessage, attempts: number, limits: ExportLimits): Promise<void> {
  const db = createDb(env.DB);
  if (job.kind === "organization.purge.v1") {
    const deps = {
      db,
      bucket: env.RECORDINGS,
      purgeGateStorage: (orgId: string) => orgGate(env, orgId).purgeStorage(),
    };
    // A large organization takes many bounded invocations: the message passes itself on until done.
    if ((await purgeOrganization(deps, job.orgId, Date.now())) === "more")
      await queueProducer(env).storageJobs.send(job);
    return;
  }
  if (job.kind === "exports.write.v1") {
    // Idempotent: a step runs only while the export is at it (see writeExportStep).
    const deps = { db, bucket: env.RECORDINGS, queues: queueProducer(env), roomBaseUrl: env.ROOM_BASE_URL, limits };
    await runExportJob(deps, job, attempts);
    return;
  }
  if (job.kind === "recordings.delete.v1") {
    // Idempotent: ids already gone, unknown or of another organization are skipped by deleteRecording.
    for (const recordingId of job.recordingIds) {
      const deleted = await deleteRecording(db, env.RECORDINGS, job.orgId, recordingId);
      if (!deleted) continue;
      await orgGate(env, job.orgId).addUsage("storageBytes", -deleted.freedBytes);
      await publishEvents(queueProducer(env), db, [deleted.event.id]);
    }
    return;
  }
  if (job.kind === "transcriptions.delete.v1") {
    // Idempotent: ids already gone, unknown or of another organization delete nothing.
    for (const transcriptionId of job.transcriptionIds) await deleteTranscription(db, job.orgId, transcriptionId);
    return;
  }
  if (job.kind === "erasure.run.v1") {
    // Progress is saved with every step, so a retried or redelivered run resumes where the last one ended.
    const deps = {
      db,
      bucket: env.RECORDINGS,
      eraseFromReplays: (orgId: string, erasureId: string, subject: HashedSubjectSpec) =>
        orgGate(env, orgId).eraseFromReplays(erasureId, subject),
    };
    if ((await runErasure(deps, job.orgId, job.erasureId)) === "more") {
      await queueProducer(env).storageJobs.send(job);
    }
    return;
  }
  if (job.kind === "audit.write.v1") {
    // Idempotent: a record already written (a retry after a lost ack) is skipped by its id.
    await writeAuditRecords(db, job.records);
    return;
  }
  await checksumRecording(db, env.RECORDINGS, job.orgId, job.recordingId);
}

/**
 * `storage-jobs` consumer: each message acked on success, retried with backoff on failure. `limits` bound
 * how much of an export one message writes (tests pass small ones).
 */
export async function consumeStorageJobs(
  batch: MessageBatch<unknown>,
  env: Env,
  limits: ExportLimits = EXPORT_LIMITS,
): Promise<void> {
  for (const { message, body } of parseBatch(batch, StorageJobMessage)) {
    try {
      await handle(env, body, message.attempts, limits);
      message.ack();
    } catch (error) {
      // The driver's own message, not String(error): drizzle's carries the SQL and its parameters (personal data).
      logQueueError(batch.queue, { kind: body.kind, error: failureReason(error) });
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

/**
 * `storage-jobs-dlq`: exhausted jobs are dropped (the objects they name stay, and a later request can retry), except
 * an erasure, which is marked failed (its clear value dropped), and audit records, which get one more write and
 * otherwise go whole into the error log: never silently.
 */
export async function consumeStorageJobsDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const { message, body } of parseBatch(batch, StorageJobMessage)) {
    if (body.kind === "erasure.run.v1") await failErasure(createDb(env.DB), body.orgId, body.erasureId);
    if (body.kind === "audit.write.v1") {
      try {
        await writeAuditRecords(createDb(env.DB), body.records);
      } catch (error) {
        logUnwrittenAudit(body.records, `dead-lettered: ${failureReason(error)}`);
      }
    }
    message.ack();
  }
}
