import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type TranscriptionType = "RECORDING_TRANSCRIPTION" | "IMPORTED";
export type TranscriptionState = "in_progress" | "ready" | "failed";

/** A transcript of a recording (made by the `ai-jobs` queue) or an imported one. */
export const transcriptions = sqliteTable(
  "transcriptions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    recordingId: text("recording_id"),
    meetingId: text("meeting_id"),
    roomName: text("room_name"),
    roomSessionId: text("room_session_id"),
    type: text("type").$type<TranscriptionType>().notNull(),
    state: text("state").$type<TranscriptionState>().notNull(),
    /** Requested (ISO-639-1) until the job finishes, then the language the provider heard. */
    language: text("language"),
    durationSeconds: real("duration_seconds"),
    segmentCount: integer("segment_count").notNull().default(0),
    /** Raw speaker labels in order of first appearance. */
    speakerLabels: text("speaker_labels", { mode: "json" }).$type<string[]>().notNull(),
    /** Renames: raw label → display name (an overlay; the raw labels stay in the segments). */
    speakerNames: text("speaker_names", { mode: "json" }).$type<Record<string, string>>().notNull(),
    error: text("error"),
    startDate: integer("start_date"),
    endDate: integer("end_date"),
    /** Set once by the job that emits `transcription.started`, so a retried job does not emit it again. */
    startedAt: integer("started_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("transcriptions_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("transcriptions_org_meeting_idx").on(t.orgId, t.meetingId),
    index("transcriptions_org_room_idx").on(t.orgId, t.roomName),
    index("transcriptions_org_recording_idx").on(t.orgId, t.recordingId),
  ],
);

/**
 * A transcript's segments, a bounded page per row (≤ 500 segments and ≤ ~512 KB of JSON): D1 binds at most
 * 100 parameters per statement and runs at most 1,000 statements per invocation, so 20,000 segments as rows
 * would not fit one atomic batch, while 40-odd pages do. `segments` holds `[label, start, end, text]` tuples;
 * the first one's index in the transcript is `firstIndex`.
 */
export const transcriptSegmentPages = sqliteTable(
  "transcript_segment_pages",
  {
    transcriptionId: text("transcription_id").notNull(),
    orgId: text("org_id").notNull(),
    page: integer("page").notNull(),
    firstIndex: integer("first_index").notNull(),
    segments: text("segments").notNull(),
  },
  (t) => [primaryKey({ columns: [t.transcriptionId, t.page] })],
);

export type TranscriptionRow = typeof transcriptions.$inferSelect;
export type TranscriptSegmentPageRow = typeof transcriptSegmentPages.$inferSelect;
