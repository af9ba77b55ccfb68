import type { Database } from "../db/client";
import { findStaleUploads, findStalledUploadClaims } from "../db/queries/system";
import type { RecordingRow } from "../db/schema";
import type { DomainEvent } from "./events";
import { UPLOAD_TTL_MS } from "./recording-uploads";
import {
  type ClaimedUpload,
  COMPLETION_LEASE_MS,
  claimUpload,
  discardUpload,
  finishUpload,
  takeOverClaim,
} from "./upload-claims";

function logSweepError(recordingId: string, error: unknown): void {
  console.error(JSON.stringify({ level: "error", job: "recording-uploads", recordingId, error: String(error) }));
}

/**
 * Scheduled: claims whose worker died (lease run out) are carried through. An abort is finished; a
 * completion is finished when R2 holds the object and undone when it does not. Returns the recordings
 * this run made ready, whose bytes and events the caller settles.
 */
export async function recoverStalledClaims(
  db: Database,
  bucket: R2Bucket,
  now: number,
  limit = 100,
): Promise<{ row: RecordingRow; event: DomainEvent }[]> {
  const stalled = await findStalledUploadClaims(db, now - COMPLETION_LEASE_MS, limit);
  const finished: { row: RecordingRow; event: DomainEvent }[] = [];
  for (const row of stalled) {
    try {
      const claim = await takeOverClaim(db, row as ClaimedUpload, now);
      if (!claim) continue;
      // An abort's claim (no part list) is carried on; a completion's follows what R2 holds.
      const object = claim.partsDigest === null ? null : await bucket.head(claim.r2Key);
      if (!object) {
        await discardUpload(db, bucket, claim);
        continue;
      }
      const done = await finishUpload(db, bucket, claim, object.size, now);
      if (done.event) finished.push({ row: done.row, event: done.event });
    } catch (error) {
      logSweepError(row.id, error);
    }
  }
  return finished;
}

/** Scheduled: aborts uploads left open for 24 h, a bounded page per run; R2 is cleaned before rows go. */
export async function abortStaleUploads(db: Database, bucket: R2Bucket, now: number, limit = 100): Promise<number> {
  const stale = await findStaleUploads(db, now - UPLOAD_TTL_MS, limit);
  let aborted = 0;
  for (const row of stale) {
    try {
      const claim = await claimUpload(db, row.orgId, { id: row.id }, null, now);
      if (!claim) continue;
      await discardUpload(db, bucket, claim);
      aborted++;
    } catch (error) {
      logSweepError(row.id, error);
    }
  }
  return aborted;
}
