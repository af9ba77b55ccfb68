import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  findOpenUploadRow,
  findUploadRow,
  insertRecording,
  listRecordingParts,
  upsertRecordingPart,
} from "../db/queries/recordings";
import { linkRowToSession } from "../db/queries/room-events";
import type { RecordingRow } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { recordingKey } from "../storage/keys";
import { checkedUpload } from "../storage/streams";
import { type RecordingMetadata, resolveMetadata, uploadCutShort } from "./recordings";
import {
  type ClaimedUpload,
  COMPLETION_LEASE_MS,
  claimUpload,
  discardUpload,
  type FinishedUpload,
  finishUpload,
  releaseClaim,
  takeOverClaim,
} from "./upload-claims";

export { COMPLETION_LEASE_MS } from "./upload-claims";

/** Every part but the last is exactly this size (R2 wants equal parts of at least 5 MiB). */
export const PART_SIZE = 10 * 1024 * 1024;
export const MULTIPART_MAX_BYTES = 5 * 1024 * 1024 * 1024;
export const MAX_PARTS = Math.ceil(MULTIPART_MAX_BYTES / PART_SIZE);
/** Unfinished uploads are aborted by the scheduled job after this long. */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export async function createUpload(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  input: RecordingMetadata & { filename: string; contentType: string },
): Promise<RecordingRow> {
  const metadata = await resolveMetadata(db, orgId, input, "body");
  const id = newId("rec");
  const key = recordingKey(orgId, id);
  const multipart = await bucket.createMultipartUpload(key, { httpMetadata: { contentType: input.contentType } });
  const row: RecordingRow = {
    id,
    orgId,
    ...metadata,
    contentType: input.contentType,
    sizeBytes: 0,
    sha256: null,
    status: "uploading",
    r2Key: key,
    uploadId: newId("upl"),
    r2UploadId: multipart.uploadId,
    partSize: PART_SIZE,
    completingAt: null,
    partsDigest: null,
    createdAt: Date.now(),
  };
  const [, linked] = await sqlBatch<{ room_session_id: string | null }>(db, [
    insertRecording(db, row),
    linkRowToSession("recording", orgId, row.id),
  ]);
  row.roomSessionId = linked?.results[0]?.room_session_id ?? row.roomSessionId;
  return row;
}

/** An upload still open for parts: not yet claimed by a complete or an abort. */
async function getOpenUpload(db: Database, orgId: string, uploadId: string): Promise<RecordingRow> {
  const row = await findOpenUploadRow(db, orgId, uploadId);
  if (!row?.r2UploadId) throw new ApiError("not_found", `No unfinished upload ${uploadId}.`);
  return row;
}

/** Streams one part to R2. Part 1 is checked against the declared type by its first bytes. */
export async function uploadPart(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  part: { uploadId: string; partNumber: number; body: ReadableStream<Uint8Array>; length: number },
): Promise<{ partNumber: number; etag: string }> {
  const row = await getOpenUpload(db, orgId, part.uploadId);
  const { stream, check } = await checkedUpload(part.body, {
    contentType: part.partNumber === 1 ? row.contentType : null,
    maxBytes: part.length,
    sha256: false,
  });
  let uploaded: R2UploadedPart;
  try {
    uploaded = await bucket
      .resumeMultipartUpload(row.r2Key, row.r2UploadId as string)
      .uploadPart(part.partNumber, stream.pipeThrough(new FixedLengthStream(part.length)));
  } catch (error) {
    throw check.failure() ?? uploadCutShort(error);
  }
  await upsertRecordingPart(db, {
    orgId,
    recordingId: row.id,
    partNumber: part.partNumber,
    etag: uploaded.etag,
    size: part.length,
  });
  return { partNumber: part.partNumber, etag: uploaded.etag };
}

const cleanEtag = (etag: string) => etag.replaceAll('"', "");

/** Identifies a part list, so a retried complete can be told from one with other parts. */
const partsDigest = (parts: Part[]) => sha256Hex(parts.map((p) => `${p.partNumber}:${cleanEtag(p.etag)}`).join("\n"));

type Part = { partNumber: number; etag: string };

/** Checks the client's part list against what Parley received: 1…n without gaps, matching etags, equal sizes. */
async function checkParts(db: Database, row: RecordingRow, parts: Part[]): Promise<void> {
  const received = new Map((await listRecordingParts(db, row.orgId, row.id)).map((p) => [p.partNumber, p]));
  const errors: { location: string; message: string }[] = [];
  parts.forEach((part, index) => {
    const stored = received.get(part.partNumber);
    if (part.partNumber !== index + 1) {
      errors.push({
        location: `body.parts.${index}.partNumber`,
        message: `Expected part ${index + 1}: parts must be 1…n in order`,
      });
    } else if (!stored) {
      errors.push({ location: `body.parts.${index}.partNumber`, message: "This part was never uploaded" });
    } else if (stored.etag !== cleanEtag(part.etag)) {
      errors.push({ location: `body.parts.${index}.etag`, message: "Does not match the uploaded part's etag" });
    } else if (index < parts.length - 1 && stored.size !== row.partSize) {
      errors.push({
        location: `body.parts.${index}`,
        message: `Every part but the last must be ${row.partSize} bytes`,
      });
    }
  });
  if (errors.length > 0) throw new ApiError("validation_error", "The part list does not match the upload.", { errors });
}

/**
 * Completes an upload: checks the part list, claims the upload (recorded in D1 before R2 is asked, so
 * a worker dying mid-way leaves a claim the sweeper can finish or undo), completes it in R2 and makes
 * the recording ready. A retry with the same parts is answered with the recording, finishing a
 * crashed completion on the way; a retry with other parts is a 409.
 */
export async function completeUpload(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  uploadId: string,
  parts: Part[],
  now = Date.now(),
): Promise<FinishedUpload> {
  const digest = await partsDigest(parts);
  let row = await findUpload(db, orgId, uploadId);
  if (row?.status === "uploading" && row.completingAt === null) {
    await checkParts(db, row, parts);
    const claim = await claimUpload(db, orgId, { id: row.id }, digest, now);
    if (claim) return completeInR2(db, bucket, claim, parts, now);
    row = await findUpload(db, orgId, uploadId);
  }
  if (row?.status === "uploading" && row.completingAt === null) {
    throw new ApiError("conflict", `Upload ${uploadId} changed while this request ran; retry.`);
  }
  if (!row || (row.status === "uploading" && row.partsDigest === null)) {
    throw new ApiError("not_found", `No unfinished upload ${uploadId}.`);
  }
  if (row.partsDigest !== digest) {
    throw new ApiError("conflict", `Upload ${uploadId} was completed (or is being completed) with other parts.`);
  }
  if (row.status === "ready") return { row, event: null };
  return resumeCompletion(db, bucket, row as ClaimedUpload, parts, now);
}

/** A retry of a completion under way or crashed: finished if R2 holds the object, taken over once its lease ran out. */
async function resumeCompletion(
  db: Database,
  bucket: R2Bucket,
  claim: ClaimedUpload,
  parts: Part[],
  now: number,
): Promise<FinishedUpload> {
  const object = await bucket.head(claim.r2Key);
  if (object) return finishUpload(db, bucket, claim, object.size, now);
  const taken = claim.completingAt < now - COMPLETION_LEASE_MS ? await takeOverClaim(db, claim, now) : null;
  if (!taken) throw new ApiError("conflict", "This upload is being completed; retry in a moment.");
  return completeInR2(db, bucket, taken, parts, now);
}

async function completeInR2(
  db: Database,
  bucket: R2Bucket,
  claim: ClaimedUpload,
  parts: Part[],
  now: number,
): Promise<FinishedUpload> {
  let size: number;
  try {
    const object = await bucket
      .resumeMultipartUpload(claim.r2Key, claim.r2UploadId as string)
      .complete(parts.map((p) => ({ partNumber: p.partNumber, etag: cleanEtag(p.etag) })));
    size = object.size;
  } catch (error) {
    // A complete can succeed with only its answer lost: what R2 holds decides.
    const object = await bucket.head(claim.r2Key);
    if (!object) {
      await releaseClaim(db, claim);
      throw error;
    }
    size = object.size;
  }
  return finishUpload(db, bucket, claim, size, now);
}

async function findUpload(db: Database, orgId: string, uploadId: string): Promise<RecordingRow | undefined> {
  return findUploadRow(db, orgId, uploadId);
}

/** Aborts an open upload; one being completed is a 409, a finished or unknown one a 404. */
export async function abortUpload(db: Database, bucket: R2Bucket, orgId: string, uploadId: string): Promise<void> {
  const claim = await claimUpload(db, orgId, { uploadId }, null, Date.now());
  if (claim) return discardUpload(db, bucket, claim);
  const row = await findUpload(db, orgId, uploadId);
  if (row?.status === "uploading" && row.partsDigest !== null) {
    throw new ApiError("conflict", `Upload ${uploadId} is being completed.`);
  }
  throw new ApiError("not_found", `No unfinished upload ${uploadId}.`);
}
