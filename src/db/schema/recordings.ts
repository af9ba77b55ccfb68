import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const recordings = sqliteTable(
  "recordings",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    meetingId: text("meeting_id"),
    roomName: text("room_name"),
    roomSessionId: text("room_session_id"),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: integer("size_bytes").notNull().default(0),
    sha256: text("sha256"),
    startDate: integer("start_date"),
    endDate: integer("end_date"),
    status: text("status").$type<"uploading" | "ready">().notNull(),
    r2Key: text("r2_key").notNull(),
    /**
     * Multipart only: Parley's upload id (kept once ready, so a retried complete is recognised), R2's
     * upload id and the fixed part size.
     */
    uploadId: text("upload_id"),
    r2UploadId: text("r2_upload_id"),
    partSize: integer("part_size"),
    /**
     * Multipart only: set when a complete or an abort claims the upload, before R2 is asked, so a
     * claim whose worker died can be found, finished or undone; it is the claim's token too.
     */
    completingAt: integer("completing_at"),
    /**
     * SHA-256 of the part list the upload was completed with; null while unclaimed or when aborting;
     * empty for completions claimed before it was recorded.
     */
    partsDigest: text("parts_digest"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("recordings_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("recordings_org_meeting_idx").on(t.orgId, t.meetingId),
    index("recordings_org_room_idx").on(t.orgId, t.roomName),
    index("recordings_upload_idx").on(t.uploadId).where(sql`upload_id IS NOT NULL`),
    index("recordings_uploading_idx").on(t.createdAt).where(sql`status = 'uploading'`),
    index("recordings_completing_idx").on(t.completingAt).where(sql`completing_at IS NOT NULL`),
  ],
);

/** Parts received for a multipart upload, so completion can check every part against its record. */
export const recordingParts = sqliteTable(
  "recording_parts",
  {
    recordingId: text("recording_id").notNull(),
    orgId: text("org_id").notNull(),
    partNumber: integer("part_number").notNull(),
    etag: text("etag").notNull(),
    size: integer("size").notNull(),
  },
  (t) => [primaryKey({ columns: [t.recordingId, t.partNumber] })],
);

export type RecordingRow = typeof recordings.$inferSelect;
