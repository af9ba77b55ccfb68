import type { StorageJobMessage } from "../contracts/queue-messages";
import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  claimStillHeld,
  claimUploadRow,
  discardUploadStatements,
  finishUploadStatements,
  releaseClaimRow,
  retakeClaim,
} from "../db/queries/recordings";
import type { RecordingRow } from "../db/schema";
import { ApiError } from "../lib/errors";
import type { Queues } from "../queues/producer";
import { type DomainEvent, recordEventWhere } from "./events";
import { findRecording, finishedEvent } from "./recordings";

/**
 * How long a claim (a complete or an abort under way) is its holder's alone. R2 answers a complete in
 * seconds; a claim older than this belongs to a worker that died, and a retry or the sweeper takes it over.
 */
export const COMPLETION_LEASE_MS = 2 * 60 * 1000;

/** A multipart upload claimed by a complete or an abort; `completingAt` is the claim's token. */
export type ClaimedUpload = RecordingRow & { completingAt: number };

/** A recording made ready; `event` is set only for the one call that made it so. */
export interface FinishedUpload {
  row: RecordingRow;
  event: DomainEvent | null;
}

/**
 * Claims an open upload (by recording or upload id) before anything slow happens: for completing with
 * the part list's digest, or for discarding with null. Of concurrent claims exactly one wins; the
 * others get null.
 */
export async function claimUpload(
  db: Database,
  orgId: string,
  match: { id: string } | { uploadId: string },
  partsDigest: string | null,
  now: number,
): Promise<ClaimedUpload | null> {
  const claimed = await claimUploadRow(db, orgId, match, partsDigest, now);
  return (claimed as ClaimedUpload | undefined) ?? null;
}

/** Takes over a claim whose holder is presumed dead; null if someone else moved first. */
export async function takeOverClaim(db: Database, claim: ClaimedUpload, now: number): Promise<ClaimedUpload | null> {
  const taken = await retakeClaim(db, claim, now);
  return (taken as ClaimedUpload | undefined) ?? null;
}

/** Hands a completion's claim back (R2 refused and holds no object), so the client can try again. */
export async function releaseClaim(db: Database, claim: ClaimedUpload): Promise<void> {
  await releaseClaimRow(db, claim);
}

/**
 * Makes a claimed upload's recording ready once R2 holds its object. The flip, the parts cleanup and
 * `recording.finished` are one batch that applies only while the claim is held, so however many
 * callers finish the same upload (the client, its retries, the sweeper), the event is recorded once.
 */
export async function finishUpload(
  db: Database,
  bucket: R2Bucket,
  claim: ClaimedUpload,
  sizeBytes: number,
  now: number,
): Promise<FinishedUpload> {
  const ready: RecordingRow = { ...claim, status: "ready", sizeBytes, r2UploadId: null, completingAt: null };
  const event = finishedEvent(ready, now);
  const [recorded] = await sqlBatch(db, [
    recordEventWhere(event, claimStillHeld(claim)),
    ...finishUploadStatements(db, claim, sizeBytes),
  ]);
  if ((recorded?.meta.changes ?? 0) > 0) return { row: ready, event };
  const current = await findRecording(db, claim.orgId, claim.id);
  if (current?.status === "ready") return { row: current, event: null };
  if (!current) {
    // Deleted while completing: nothing refers to the object any more, so it must not stay behind.
    await bucket.delete(claim.r2Key);
    throw new ApiError("not_found", `Recording ${claim.id} was deleted while its upload was completing.`);
  }
  throw new ApiError("conflict", "Another request is completing this upload; retry in a moment.");
}

/**
 * Removes a claimed upload: R2 first (the multipart upload aborted and the key deleted, in case a
 * complete got through), the rows only after. If R2 fails, the claim stays and the sweeper retries
 * once its lease has run out, so no object is ever forgotten while its row goes.
 */
export async function discardUpload(db: Database, bucket: R2Bucket, claim: ClaimedUpload): Promise<void> {
  if (claim.r2UploadId) await bucket.resumeMultipartUpload(claim.r2Key, claim.r2UploadId).abort();
  await bucket.delete(claim.r2Key);
  await sqlBatch(db, discardUploadStatements(db, claim));
}

/** What follows a recording becoming ready, done by whoever made it so: its bytes counted, its checksum queued. */
export async function recordingStored(
  queues: Queues,
  gate: { addUsage(kind: "storageBytes", amount: number): Promise<unknown> },
  row: RecordingRow,
): Promise<void> {
  await gate.addUsage("storageBytes", row.sizeBytes);
  const checksum: StorageJobMessage = { kind: "recordings.checksum.v1", orgId: row.orgId, recordingId: row.id };
  await queues.storageJobs.send(checksum);
}
