import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import { type RecordingRow, recordingParts, recordings } from "../schema";
import { keyset } from "./keyset";

const RECORDING_SORT_COLUMNS = {
  createdAt: recordings.createdAt,
  startDate: recordings.startDate,
  sizeInMegaBytes: recordings.sizeBytes,
} as const;
export type RecordingSortField = keyof typeof RECORDING_SORT_COLUMNS;

/** The insert (not yet run) of a recording. */
export function insertRecording(db: Database, row: RecordingRow) {
  return db.insert(recordings).values(row);
}

export async function findRecordingRow(
  db: Database,
  orgId: string,
  recordingId: string,
): Promise<RecordingRow | undefined> {
  return (
    await db
      .select()
      .from(recordings)
      .where(and(eq(recordings.id, recordingId), eq(recordings.orgId, orgId)))
      .limit(1)
  )[0];
}

/** Ready recordings in keyset order by `field` (a null startDate sorts as 0, so the keyset stays total). */
export function listReadyRecordings(
  db: Database,
  orgId: string,
  query: {
    field: RecordingSortField;
    direction: "asc" | "desc";
    meetingId?: string;
    roomName?: string;
    after: Cursor | null;
    limit: number;
  },
) {
  const column: SQL =
    query.field === "startDate"
      ? sql`coalesce(${recordings.startDate}, 0)`
      : sql`${RECORDING_SORT_COLUMNS[query.field]}`;
  const page = keyset(column, recordings.id, query.direction, query.after);
  return db
    .select()
    .from(recordings)
    .where(
      and(
        eq(recordings.orgId, orgId),
        eq(recordings.status, "ready"),
        query.meetingId ? eq(recordings.meetingId, query.meetingId) : undefined,
        query.roomName ? eq(recordings.roomName, query.roomName) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}

/** Condition for a batch: the recording still exists. */
export function recordingExists(orgId: string, recordingId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${recordings} WHERE id = ${recordingId} AND org_id = ${orgId})`;
}

/** The delete (not yet run) of a recording, returning its `status` and `size_bytes`, and of its parts. */
export function deleteRecordingStatements(db: Database, orgId: string, recordingId: string) {
  return [
    sql`DELETE FROM ${recordings} WHERE id = ${recordingId} AND org_id = ${orgId} RETURNING status, size_bytes`,
    db.delete(recordingParts).where(and(eq(recordingParts.recordingId, recordingId), eq(recordingParts.orgId, orgId))),
  ];
}

export async function setRecordingSha256(db: Database, orgId: string, recordingId: string, sha256: string) {
  await db
    .update(recordings)
    .set({ sha256 })
    .where(and(eq(recordings.id, recordingId), eq(recordings.orgId, orgId)));
}

/** The recording of a multipart upload, whatever its state. */
export async function findUploadRow(db: Database, orgId: string, uploadId: string): Promise<RecordingRow | undefined> {
  return (
    await db
      .select()
      .from(recordings)
      .where(and(eq(recordings.uploadId, uploadId), eq(recordings.orgId, orgId)))
      .limit(1)
  )[0];
}

/** An upload still open for parts: uploading and not claimed by a complete or an abort. */
export async function findOpenUploadRow(
  db: Database,
  orgId: string,
  uploadId: string,
): Promise<RecordingRow | undefined> {
  return (
    await db
      .select()
      .from(recordings)
      .where(
        and(
          eq(recordings.uploadId, uploadId),
          eq(recordings.orgId, orgId),
          eq(recordings.status, "uploading"),
          isNull(recordings.completingAt),
        ),
      )
      .limit(1)
  )[0];
}

export async function upsertRecordingPart(
  db: Database,
  part: { orgId: string; recordingId: string; partNumber: number; etag: string; size: number },
): Promise<void> {
  await db
    .insert(recordingParts)
    .values(part)
    .onConflictDoUpdate({
      target: [recordingParts.recordingId, recordingParts.partNumber],
      set: { etag: part.etag, size: part.size },
    });
}

export function listRecordingParts(db: Database, orgId: string, recordingId: string) {
  return db
    .select()
    .from(recordingParts)
    .where(and(eq(recordingParts.recordingId, recordingId), eq(recordingParts.orgId, orgId)));
}

/** A multipart upload's claim: `completingAt` is its token. */
type Claim = Pick<RecordingRow, "id" | "orgId"> & { completingAt: number };

const sameRecording = (row: Pick<RecordingRow, "id" | "orgId">) =>
  and(eq(recordings.id, row.id), eq(recordings.orgId, row.orgId));
const stillHeld = (claim: Claim) =>
  and(sameRecording(claim), eq(recordings.status, "uploading"), eq(recordings.completingAt, claim.completingAt));

/** Condition for a batch: the claim is still held. */
export function claimStillHeld(claim: Claim): SQL {
  return sql`EXISTS (SELECT 1 FROM ${recordings} WHERE id = ${claim.id} AND org_id = ${claim.orgId} AND status = 'uploading' AND completing_at = ${claim.completingAt})`;
}

/** Claims an unclaimed upload (by recording or upload id); the claimed row, or undefined if another claim won. */
export async function claimUploadRow(
  db: Database,
  orgId: string,
  match: { id: string } | { uploadId: string },
  partsDigest: string | null,
  now: number,
): Promise<RecordingRow | undefined> {
  const which = "id" in match ? eq(recordings.id, match.id) : eq(recordings.uploadId, match.uploadId);
  const [claimed] = await db
    .update(recordings)
    .set({ completingAt: now, partsDigest })
    .where(and(which, eq(recordings.orgId, orgId), eq(recordings.status, "uploading"), isNull(recordings.completingAt)))
    .returning();
  return claimed;
}

/** Moves a still-held claim to a new token (`now`); undefined if it is no longer held. */
export async function retakeClaim(db: Database, claim: Claim, now: number): Promise<RecordingRow | undefined> {
  const [taken] = await db.update(recordings).set({ completingAt: now }).where(stillHeld(claim)).returning();
  return taken;
}

export async function releaseClaimRow(db: Database, claim: Claim): Promise<void> {
  await db.update(recordings).set({ completingAt: null, partsDigest: null }).where(stillHeld(claim));
}

/** The flip to ready (not yet run), while the claim is held, and the parts cleanup once it is no longer uploading. */
export function finishUploadStatements(db: Database, claim: Claim, sizeBytes: number) {
  return [
    db
      .update(recordings)
      .set({ status: "ready", sizeBytes, r2UploadId: null, completingAt: null })
      .where(stillHeld(claim)),
    db
      .delete(recordingParts)
      .where(
        and(
          eq(recordingParts.recordingId, claim.id),
          eq(recordingParts.orgId, claim.orgId),
          sql`NOT EXISTS (SELECT 1 FROM ${recordings} WHERE id = ${claim.id} AND status = 'uploading')`,
        ),
      ),
  ];
}

/** The delete (not yet run) of a claimed upload's row while the claim is held, and of its parts once the row is gone. */
export function discardUploadStatements(db: Database, claim: Claim) {
  return [
    db.delete(recordings).where(stillHeld(claim)),
    db
      .delete(recordingParts)
      .where(
        and(
          eq(recordingParts.recordingId, claim.id),
          eq(recordingParts.orgId, claim.orgId),
          sql`NOT EXISTS (SELECT 1 FROM ${recordings} WHERE id = ${claim.id})`,
        ),
      ),
  ];
}
