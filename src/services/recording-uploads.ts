import { and, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { type RecordingRow, recordingParts, recordings } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { recordingKey } from "../storage/keys";
import { checkedUpload } from "../storage/streams";
import { type DomainEvent, recordEvent } from "./events";
import { finishedEvent, type RecordingMetadata, resolveMetadata, uploadCutShort } from "./recordings";

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
    createdAt: Date.now(),
  };
  await db.insert(recordings).values(row);
  return row;
}

async function getUpload(db: Database, orgId: string, uploadId: string): Promise<RecordingRow> {
  const row = (
    await db
      .select()
      .from(recordings)
      .where(and(eq(recordings.uploadId, uploadId), eq(recordings.orgId, orgId), eq(recordings.status, "uploading")))
      .limit(1)
  )[0];
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
  const row = await getUpload(db, orgId, part.uploadId);
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
  await db
    .insert(recordingParts)
    .values({ recordingId: row.id, partNumber: part.partNumber, etag: uploaded.etag, size: part.length })
    .onConflictDoUpdate({
      target: [recordingParts.recordingId, recordingParts.partNumber],
      set: { etag: uploaded.etag, size: part.length },
    });
  return { partNumber: part.partNumber, etag: uploaded.etag };
}

/**
 * Completes an upload after checking the client's part list against what Parley received: numbers
 * 1…n without gaps, matching etags, every part but the last exactly `partSize` bytes.
 */
export async function completeUpload(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  uploadId: string,
  parts: { partNumber: number; etag: string }[],
): Promise<{ row: RecordingRow; event: DomainEvent }> {
  const row = await getUpload(db, orgId, uploadId);
  const received = new Map(
    (await db.select().from(recordingParts).where(eq(recordingParts.recordingId, row.id))).map((p) => [
      p.partNumber,
      p,
    ]),
  );
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
    } else if (stored.etag !== part.etag.replaceAll('"', "")) {
      errors.push({ location: `body.parts.${index}.etag`, message: "Does not match the uploaded part's etag" });
    } else if (index < parts.length - 1 && stored.size !== row.partSize) {
      errors.push({
        location: `body.parts.${index}`,
        message: `Every part but the last must be ${row.partSize} bytes`,
      });
    }
  });
  if (errors.length > 0) throw new ApiError("validation_error", "The part list does not match the upload.", { errors });

  await claimUpload(db, orgId, uploadId);
  let object: R2Object;
  try {
    object = await bucket
      .resumeMultipartUpload(row.r2Key, row.r2UploadId as string)
      .complete(parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag.replaceAll('"', "") })));
  } catch (error) {
    await db
      .update(recordings)
      .set({ uploadId })
      .where(and(eq(recordings.id, row.id), eq(recordings.orgId, orgId)));
    throw error;
  }
  const now = Date.now();
  const ready: RecordingRow = { ...row, status: "ready", sizeBytes: object.size, uploadId: null, r2UploadId: null };
  const event = finishedEvent(ready, now);
  await db.batch([
    db
      .update(recordings)
      .set({ status: "ready", sizeBytes: object.size, uploadId: null, r2UploadId: null })
      .where(and(eq(recordings.id, row.id), eq(recordings.orgId, orgId))),
    db.delete(recordingParts).where(eq(recordingParts.recordingId, row.id)),
    recordEvent(db, event),
  ]);
  return { row: ready, event };
}

/**
 * Takes the upload out of play before anything slow happens: clearing `upload_id` is atomic, so of
 * two concurrent completes or aborts exactly one proceeds and the other gets a 404.
 */
async function claimUpload(db: Database, orgId: string, uploadId: string): Promise<RecordingRow> {
  const claimed = await db
    .update(recordings)
    .set({ uploadId: null })
    .where(and(eq(recordings.uploadId, uploadId), eq(recordings.orgId, orgId), eq(recordings.status, "uploading")))
    .returning();
  const row = claimed[0];
  if (!row) throw new ApiError("not_found", `No unfinished upload ${uploadId}.`);
  return row;
}

async function discardUpload(db: Database, bucket: R2Bucket, row: RecordingRow): Promise<void> {
  await db.batch([
    db.delete(recordings).where(and(eq(recordings.id, row.id), eq(recordings.orgId, row.orgId))),
    db.delete(recordingParts).where(eq(recordingParts.recordingId, row.id)),
  ]);
  if (row.r2UploadId) {
    await bucket
      .resumeMultipartUpload(row.r2Key, row.r2UploadId)
      .abort()
      .catch(() => {});
  }
}

export async function abortUpload(db: Database, bucket: R2Bucket, orgId: string, uploadId: string): Promise<void> {
  await discardUpload(db, bucket, await claimUpload(db, orgId, uploadId));
}

/** Scheduled: aborts uploads left unfinished for 24 h, a bounded page per run. */
export async function abortStaleUploads(db: Database, bucket: R2Bucket, now: number, limit = 100): Promise<number> {
  const stale = await db
    .select()
    .from(recordings)
    .where(and(eq(recordings.status, "uploading"), lt(recordings.createdAt, now - UPLOAD_TTL_MS)))
    .limit(limit);
  // Rows whose upload_id is already cleared were claimed by a complete that never finished; they go too.
  for (const row of stale) await discardUpload(db, bucket, row);
  return stale.length;
}
