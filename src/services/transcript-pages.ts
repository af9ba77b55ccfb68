import type { Database } from "../db/client";
import { readPages, type SegmentPage } from "../db/queries/transcriptions";
import { displayName, type NewSegment, type SpeakerNames, type TranscriptSegment } from "./transcript-segments";

/** Segments per stored page, and the page's JSON size bound (one segment's text alone may be 10,000 chars). */
export const PAGE_MAX_SEGMENTS = 500;
export const PAGE_MAX_BYTES = 512 * 1024;
/** Pages fetched per query while a transcript is read: at most ~2 MB in memory at once. */
const PAGES_PER_READ = 4;

type StoredSegment = [label: string, start: number, end: number, text: string];

const encoder = new TextEncoder();

/** Cuts segments (in transcript order) into stored pages bounded by count and by JSON size. */
export function toPages(segments: readonly NewSegment[]): SegmentPage[] {
  const pages: SegmentPage[] = [];
  let parts: string[] = [];
  let bytes = 2;
  let firstIndex = 0;
  const flush = () => {
    pages.push({ page: pages.length, firstIndex, segments: `[${parts.join(",")}]` });
    firstIndex += parts.length;
    parts = [];
    bytes = 2;
  };
  for (const segment of segments) {
    const json = JSON.stringify([segment.speaker, segment.start, segment.end, segment.text] satisfies StoredSegment);
    const size = encoder.encode(json).byteLength + 1;
    if (parts.length > 0 && (parts.length >= PAGE_MAX_SEGMENTS || bytes + size > PAGE_MAX_BYTES)) flush();
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) flush();
  return pages;
}

/**
 * A transcript's segments, page by page in order, with renames applied: pages are fetched a few at a time
 * as the consumer pulls, so an export of 20,000 segments never holds them all. `fromPage` resumes a read.
 */
export async function* readSegmentPages(
  db: Database,
  orgId: string,
  transcriptionId: string,
  names: SpeakerNames,
  fromPage = 0,
): AsyncGenerator<TranscriptSegment[]> {
  let next = fromPage;
  for (;;) {
    const rows = await readPages(db, orgId, transcriptionId, next, PAGES_PER_READ);
    for (const row of rows) {
      const stored = JSON.parse(row.segments) as StoredSegment[];
      yield stored.map(([label, start, end, text], i) => ({
        index: row.firstIndex + i,
        speakerLabel: label,
        speaker: displayName(label, names),
        start,
        end,
        text,
      }));
      next = row.page + 1;
    }
    if (rows.length < PAGES_PER_READ) return;
  }
}
