import type { StorageJobMessage } from "../contracts/queue-messages";
import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import { findMeetingRoomName } from "../db/queries/meetings";
import {
  deleteRecordingStatements,
  findRecordingRow,
  insertRecording,
  listReadyRecordings,
  type RecordingSortField,
  recordingExists,
  setRecordingSha256,
} from "../db/queries/recordings";
import { linkRowToSession } from "../db/queries/room-events";
import { findReadyRecordingForDownload } from "../db/queries/system";
import type { RecordingRow } from "../db/schema";
import { toHex } from "../lib/encoding";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import { iso, isoOrNull } from "../lib/time";
import type { Queues } from "../queues/producer";
import { recordingKey } from "../storage/keys";
import { checkedUpload } from "../storage/streams";
import { signFileToken } from "./access-links";
import { type DomainEvent, newEvent, recordEvent, recordEventWhere } from "./events";

/** Direct uploads: 100 MB, decimal like `sizeInMegaBytes`; larger files go through multipart upload. */
export const DIRECT_UPLOAD_MAX_BYTES = 100_000_000;

export interface Recording {
  recordingId: string;
  meetingId: string | null;
  roomName: string | null;
  roomSessionId: string | null;
  filename: string;
  contentType: string;
  sizeInBytes: number;
  sizeInMegaBytes: number;
  sha256: string | null;
  startDate: string | null;
  endDate: string | null;
  durationInSeconds: number | null;
  status: "uploading" | "ready";
  createdAt: string;
}

export function toRecording(row: RecordingRow): Recording {
  return {
    recordingId: row.id,
    meetingId: row.meetingId,
    roomName: row.roomName,
    roomSessionId: row.roomSessionId,
    filename: row.filename,
    contentType: row.contentType,
    sizeInBytes: row.sizeBytes,
    sizeInMegaBytes: Math.round(row.sizeBytes / 10_000) / 100,
    sha256: row.sha256,
    startDate: isoOrNull(row.startDate),
    endDate: isoOrNull(row.endDate),
    durationInSeconds:
      row.startDate !== null && row.endDate !== null
        ? Math.max(0, Math.round((row.endDate - row.startDate) / 1000))
        : null,
    status: row.status,
    createdAt: iso(row.createdAt),
  };
}

export interface RecordingMetadata {
  filename?: string;
  meetingId?: string;
  roomName?: string;
  roomSessionId?: string;
  startDate?: string;
  endDate?: string;
}

/** Resolves metadata: the meeting (any of this org's, also ended ones) supplies the room name. */
/** Room names are stored with their leading slash; clients may leave it off. */
const storedRoomName = (name: string) => (name.startsWith("/") ? name : `/${name}`);

export async function resolveMetadata(db: Database, orgId: string, input: RecordingMetadata, location: string) {
  let roomName = input.roomName ? storedRoomName(input.roomName) : null;
  if (input.meetingId) {
    const meeting = await findMeetingRoomName(db, orgId, input.meetingId);
    if (!meeting) {
      throw new ApiError("validation_error", "meetingId is not a meeting of this organization.", {
        errors: [{ location: `${location}.meetingId`, message: "Unknown meeting" }],
      });
    }
    roomName ??= meeting.roomName;
  }
  const startDate = input.startDate ? Date.parse(input.startDate) : null;
  const endDate = input.endDate ? Date.parse(input.endDate) : null;
  if (startDate !== null && endDate !== null && endDate < startDate) {
    throw new ApiError("validation_error", "endDate is before startDate.", {
      errors: [{ location: `${location}.endDate`, message: "Must not be before startDate" }],
    });
  }
  return {
    filename: input.filename ?? "recording",
    meetingId: input.meetingId ?? null,
    roomName,
    roomSessionId: input.roomSessionId ?? null,
    startDate,
    endDate,
  };
}

export function finishedEvent(row: RecordingRow, now: number): DomainEvent {
  return newEvent(
    row.orgId,
    "recording.finished",
    {
      recordingId: row.id,
      meetingId: row.meetingId,
      roomName: row.roomName,
      contentType: row.contentType,
      sizeInBytes: row.sizeBytes,
    },
    now,
  );
}

/**
 * Streams a request body into R2, checking type and size and hashing on the way, then records the
 * recording and `recording.finished` in one transaction. On any failure nothing is left behind.
 */
export async function uploadRecording(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  upload: { body: ReadableStream<Uint8Array>; contentType: string; length: number; metadata: RecordingMetadata },
): Promise<{ row: RecordingRow; event: DomainEvent }> {
  const metadata = await resolveMetadata(db, orgId, upload.metadata, "query");
  const id = newId("rec");
  const key = recordingKey(orgId, id);
  const { stream, check } = await checkedUpload(upload.body, {
    contentType: upload.contentType,
    maxBytes: upload.length,
    sha256: true,
  });
  try {
    await bucket.put(key, stream.pipeThrough(new FixedLengthStream(upload.length)), {
      httpMetadata: { contentType: upload.contentType },
    });
  } catch (error) {
    await bucket.delete(key);
    throw check.failure() ?? uploadCutShort(error);
  }
  const { size, sha256 } = await check.done;
  const now = Date.now();
  const row: RecordingRow = {
    id,
    orgId,
    ...metadata,
    contentType: upload.contentType,
    sizeBytes: size,
    sha256,
    status: "ready",
    r2Key: key,
    uploadId: null,
    r2UploadId: null,
    partSize: null,
    completingAt: null,
    partsDigest: null,
    createdAt: now,
  };
  const event = finishedEvent(row, now);
  try {
    const [, , linked] = await sqlBatch<{ room_session_id: string | null }>(db, [
      insertRecording(db, row),
      recordEvent(db, event),
      linkRowToSession("recording", orgId, id),
    ]);
    row.roomSessionId = linked?.results[0]?.room_session_id ?? row.roomSessionId;
  } catch (error) {
    await bucket.delete(key);
    throw error;
  }
  return { row, event };
}

export function uploadCutShort(error: unknown): ApiError {
  return new ApiError(
    "validation_error",
    "The upload ended before Content-Length bytes arrived (or sent more); nothing was stored.",
    { errors: [{ location: "body", message: String(error instanceof Error ? error.message : error).slice(0, 200) }] },
  );
}

export async function findRecording(
  db: Database,
  orgId: string,
  recordingId: string,
): Promise<RecordingRow | undefined> {
  return findRecordingRow(db, orgId, recordingId);
}

export async function getRecording(db: Database, orgId: string, recordingId: string): Promise<RecordingRow> {
  const row = await findRecording(db, orgId, recordingId);
  if (!row) throw new ApiError("not_found", `No recording ${recordingId}.`);
  return row;
}

export type RecordingSort = `${RecordingSortField}:${"asc" | "desc"}`;

export async function listRecordings(
  db: Database,
  orgId: string,
  query: { limit: number; cursor?: string; meetingId?: string; roomName?: string; sortBy?: RecordingSort },
) {
  const sort = query.sortBy ?? "createdAt:desc";
  const [field, direction] = sort.split(":") as [RecordingSortField, "asc" | "desc"];
  const after = decodeCursor(query.cursor, sort);
  const roomName = query.roomName ? storedRoomName(query.roomName) : undefined;
  const rows = await listReadyRecordings(db, orgId, {
    field,
    direction,
    meetingId: query.meetingId,
    roomName,
    after,
    limit: query.limit,
  });
  const sortValue = (r: RecordingRow) =>
    field === "startDate" ? (r.startDate ?? 0) : field === "sizeInMegaBytes" ? r.sizeBytes : r.createdAt;
  return toPage(rows, query.limit, (r) => ({ v: sortValue(r), id: r.id, s: sort }), toRecording);
}

/**
 * Deletes a recording's bytes and row and records `recording.deleted`; an unfinished multipart
 * upload is aborted. R2 goes first and its failures propagate, so a row is never removed while its
 * object may remain. Returns null when there was nothing (left) to delete.
 */
export async function deleteRecording(
  db: Database,
  bucket: R2Bucket,
  orgId: string,
  recordingId: string,
  now = Date.now(),
): Promise<{ event: DomainEvent; freedBytes: number } | null> {
  const row = await findRecording(db, orgId, recordingId);
  if (!row) return null;
  if (row.r2UploadId) await bucket.resumeMultipartUpload(row.r2Key, row.r2UploadId).abort();
  // Also for an unfinished upload: a complete under way may have produced the object already.
  await bucket.delete(row.r2Key);
  const event = newEvent(orgId, "recording.deleted", { recordingId, meetingId: row.meetingId }, now);
  // The event is recorded only if the row is still there, so concurrent deletes emit it once.
  const [recorded, deleted] = await sqlBatch<{ status: RecordingRow["status"]; size_bytes: number }>(db, [
    recordEventWhere(event, recordingExists(orgId, recordingId)),
    ...deleteRecordingStatements(db, orgId, recordingId),
  ]);
  if ((recorded?.meta.changes ?? 0) === 0) return null;
  // What was deleted decides, not what was read: a completion may have made it ready in between.
  const gone = deleted?.results[0];
  return { event, freedBytes: gone?.status === "ready" ? gone.size_bytes : 0 };
}

/**
 * `DELETE /recordings/{id}` as the API and the dashboard both do it: bytes and row gone and the storage usage
 * given back. Returns the `recording.deleted` event for the caller to publish; unknown (or gone) is a 404.
 */
export async function removeRecording(
  db: Database,
  bucket: R2Bucket,
  gate: { addUsage(kind: "storageBytes", amount: number): Promise<unknown> },
  orgId: string,
  recordingId: string,
): Promise<DomainEvent> {
  const deleted = await deleteRecording(db, bucket, orgId, recordingId);
  if (!deleted) throw new ApiError("not_found", `No recording ${recordingId}.`);
  await gate.addUsage("storageBytes", -deleted.freedBytes);
  return deleted.event;
}

/** The path of a signed, expiring link to a ready recording's bytes (`/files/recordings/…`, no API key needed). */
export async function recordingLinkPath(row: RecordingRow, fileTokenSecret: string, expires: number) {
  if (row.status !== "ready") throw new ApiError("not_found", `Recording ${row.id} has not finished uploading.`);
  return `/files/recordings/${row.id}?token=${await signFileToken(fileTokenSecret, row.id, expires)}`;
}

/** Queues the deletion of these recordings of the organization (ids unknown or of another organization are skipped then). */
export async function deleteRecordingsLater(queues: Queues, orgId: string, recordingIds: string[]): Promise<void> {
  const message: StorageJobMessage = { kind: "recordings.delete.v1", orgId, recordingIds: [...new Set(recordingIds)] };
  await queues.storageJobs.send(message);
}

/** Stores the checksum of a ready recording that has none yet (the `recordings.checksum.v1` job). */
export async function checksumRecording(db: Database, bucket: R2Bucket, orgId: string, recordingId: string) {
  const row = await findRecording(db, orgId, recordingId);
  if (row?.status !== "ready" || row.sha256) return;
  const object = await bucket.get(row.r2Key);
  if (!object) return;
  const digest = new crypto.DigestStream("SHA-256");
  await object.body.pipeTo(digest);
  await setRecordingSha256(db, orgId, row.id, toHex(await digest.digest));
}

/** A ready recording by id alone, for a download whose token was signed for exactly this recording. */
export function findDownloadableRecording(db: Database, recordingId: string) {
  return findReadyRecordingForDownload(db, recordingId);
}
