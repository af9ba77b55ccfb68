import type { TranscriptSegment } from "./transcript-segments";

export const TRANSCRIPT_FORMATS = ["json", "txt", "md", "vtt", "srt"] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** What heads an export besides its segments. */
export interface TranscriptHeader {
  transcriptionId: string;
  language: string | null;
  durationInSeconds: number | null;
  /** Display names, renames applied, in order of first appearance. */
  speakers: string[];
  /** The Markdown title (e.g. the room name and date). */
  title: string;
}

/** `Content-Type` and file extension of each format (SPEC §6.2). */
export const TRANSCRIPT_MEDIA: Record<TranscriptFormat, { contentType: string; extension: string }> = {
  json: { contentType: "application/json; charset=utf-8", extension: "json" },
  txt: { contentType: "text/plain; charset=utf-8", extension: "txt" },
  md: { contentType: "text/markdown; charset=utf-8", extension: "md" },
  vtt: { contentType: "text/vtt; charset=utf-8", extension: "vtt" },
  srt: { contentType: "application/x-subrip; charset=utf-8", extension: "srt" },
};

/**
 * Streams a transcript in `format`, pulling `pages` (segments in index order, a bounded page at a time)
 * only as the reader consumes, so a 20,000-segment transcript is never one string.
 */
export function transcriptStream(
  _format: TranscriptFormat,
  _header: TranscriptHeader,
  _pages: AsyncIterable<TranscriptSegment[]>,
): ReadableStream<Uint8Array> {
  throw new Error("not implemented yet (transcript-formats helper)");
}
