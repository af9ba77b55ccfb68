import type { Database } from "../db/client";
import { insertPages, insertTranscription } from "../db/queries/transcriptions";
import type { TranscriptionRow } from "../db/schema";
import { ApiError } from "../lib/errors";
import { resolveMetadata } from "./recordings";
import { MAX_IMPORT_SEGMENTS, MAX_SEGMENT_TEXT, parseSubtitles } from "./transcript-import";
import { toPages } from "./transcript-pages";
import type { NewSegment } from "./transcript-segments";
import { baseRow } from "./transcriptions";

/** Limits every imported transcript keeps, however it arrived (SPEC §6.2). */
export const IMPORT_LIMITS = { maxSegments: MAX_IMPORT_SEGMENTS, maxText: MAX_SEGMENT_TEXT, maxSpeaker: 100 } as const;

/**
 * Segments of a WebVTT or SRT file (the parser enforces the segment count and text length, with line numbers),
 * whose speaker names are held to the limit of imported segments too.
 */
export function subtitleSegments(format: "vtt" | "srt", content: string): NewSegment[] {
  const segments = parseSubtitles(format, content);
  const named = segments.findIndex((s) => s.speaker.length > IMPORT_LIMITS.maxSpeaker);
  if (named !== -1) {
    const message = `Cue ${named + 1} names a speaker longer than ${IMPORT_LIMITS.maxSpeaker} characters`;
    throw new ApiError("validation_error", `The ${format.toUpperCase()} file cannot be imported: ${message}.`, {
      errors: [{ location: "body.content", message }],
    });
  }
  return segments;
}

/** Raw labels in order of first appearance. */
export function labelsInOrder(segments: readonly NewSegment[]): string[] {
  return [...new Set(segments.map((s) => s.speaker))];
}

/** Stores an imported transcript (ready at once, free): the row and its segment pages in one batch. */
export async function importTranscript(
  db: Database,
  orgId: string,
  input: { segments: NewSegment[]; meetingId?: string; roomName?: string; language?: string },
  now = Date.now(),
): Promise<TranscriptionRow> {
  const metadata = await resolveMetadata(db, orgId, { meetingId: input.meetingId, roomName: input.roomName }, "body");
  const row: TranscriptionRow = {
    ...baseRow(orgId, now),
    recordingId: null,
    meetingId: metadata.meetingId,
    roomName: metadata.roomName,
    roomSessionId: null,
    type: "IMPORTED",
    state: "ready",
    language: input.language ?? null,
    durationSeconds: input.segments.reduce((max, s) => Math.max(max, s.end), 0),
    segmentCount: input.segments.length,
    speakerLabels: labelsInOrder(input.segments),
    startDate: null,
    endDate: null,
  };
  const pages = toPages(input.segments);
  await db.batch([insertTranscription(db, row), ...insertPages(db, orgId, row.id, pages)]);
  return row;
}
