import type { Database } from "../db/client";
import { findReadyTranscriptionForDownload } from "../db/queries/system";
import type { TranscriptionRow } from "../db/schema";
import { TRANSCRIPT_MEDIA, type TranscriptFormat, transcriptStream } from "./transcript-export";
import { computeInsights, type TranscriptInsights } from "./transcript-insights";
import { readSegmentPages } from "./transcript-pages";
import type { TranscriptSegment } from "./transcript-segments";
import { getReadyTranscription, speakersOf } from "./transcriptions";

/** A transcript export, ready to stream: pages are read from D1 only as the body is consumed. */
export interface TranscriptFile {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /** `<transcriptionId>.<ext>` (SPEC §6.2). */
  filename: string;
}

const segmentsOf = (db: Database, row: TranscriptionRow) => readSegmentPages(db, row.orgId, row.id, row.speakerNames);

/** The Markdown title: the room (or the id) and the day it took place (or was created). */
function titleOf(row: TranscriptionRow): string {
  const day = new Date(row.startDate ?? row.createdAt).toISOString().slice(0, 10);
  return `Transcript of ${row.roomName ?? row.id}, ${day}`;
}

/** Streams a ready transcription's transcript in `format`. */
export function transcriptFile(db: Database, row: TranscriptionRow, format: TranscriptFormat): TranscriptFile {
  const media = TRANSCRIPT_MEDIA[format];
  const header = {
    transcriptionId: row.id,
    language: row.language,
    durationInSeconds: row.durationSeconds,
    speakers: speakersOf(row),
    title: titleOf(row),
  };
  return {
    body: transcriptStream(format, header, segmentsOf(db, row)),
    contentType: media.contentType,
    filename: `${row.id}.${media.extension}`,
  };
}

/** The organization's transcript in `format`; 404 unknown, 409 not ready. */
export async function exportTranscript(db: Database, orgId: string, transcriptionId: string, format: TranscriptFormat) {
  return transcriptFile(db, await getReadyTranscription(db, orgId, transcriptionId), format);
}

/** SPEC §6.3 over the whole transcript, renames applied (labels renamed to one name are one speaker). */
export async function transcriptInsights(
  db: Database,
  orgId: string,
  transcriptionId: string,
): Promise<TranscriptInsights & { transcriptionId: string }> {
  const row = await getReadyTranscription(db, orgId, transcriptionId);
  const segments: TranscriptSegment[] = [];
  for await (const page of segmentsOf(db, row)) segments.push(...page);
  return { transcriptionId: row.id, ...computeInsights(segments) };
}

/** A ready transcription by id alone, for a download whose token was signed for exactly this transcription. */
export function findDownloadableTranscription(db: Database, transcriptionId: string) {
  return findReadyTranscriptionForDownload(db, transcriptionId);
}
