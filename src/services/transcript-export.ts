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

/** How one format frames a transcript: text before the segments, each segment (numbered from 0), text after. */
interface TranscriptWriter {
  head: string;
  segment(segment: TranscriptSegment, number: number): string;
  tail: string;
}

/** A segment's text on one line: every run of whitespace holding a line break becomes one space. */
const oneLine = (text: string) => text.replace(/\s*[\r\n\u2028\u2029]\s*/g, " ").trim();

/** `HH:MM:SS` (with `.mmm`/`,mmm` when `millis` names the separator), hours growing past 99 as needed. */
function clock(seconds: number, millis?: "." | ","): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const two = (n: number) => String(n).padStart(2, "0");
  const [hours, minutes, secs] = [
    Math.floor(totalMs / 3_600_000),
    Math.floor(totalMs / 60_000) % 60,
    Math.floor(totalMs / 1000) % 60,
  ];
  const hms = `${two(hours)}:${two(minutes)}:${two(secs)}`;
  return millis ? `${hms}${millis}${String(totalMs % 1000).padStart(3, "0")}` : hms;
}

const said = (speaker: string, text: string) => (text ? `${speaker}: ${text}` : `${speaker}:`);

const escapeVtt = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
// Names sit inside `**…**`, so every character that could end or open markup is escaped; the text only loses
// its power to open raw HTML.
const escapeMarkdownName = (text: string) => text.replace(/[\\`*_[\]<]/g, "\\$&");
const escapeMarkdownText = (text: string) => text.replace(/[\\<]/g, "\\$&");

const WRITERS: Record<TranscriptFormat, (header: TranscriptHeader) => TranscriptWriter> = {
  json: (header) => ({
    head: `${JSON.stringify({
      transcriptionId: header.transcriptionId,
      language: header.language,
      durationInSeconds: header.durationInSeconds,
      speakers: header.speakers,
    }).slice(0, -1)},"segments":[`,
    segment: (s, number) =>
      (number === 0 ? "" : ",") +
      JSON.stringify({
        index: s.index,
        speaker: s.speaker,
        speakerLabel: s.speakerLabel,
        start: s.start,
        end: s.end,
        text: s.text,
      }),
    tail: "]}",
  }),
  txt: () => ({
    head: "",
    segment: (s) => `[${clock(s.start)}] ${said(oneLine(s.speaker), oneLine(s.text))}\n`,
    tail: "",
  }),
  md: (header) => ({
    head: `# ${oneLine(header.title) || header.transcriptionId}\n`,
    segment: (s) => {
      const text = escapeMarkdownText(oneLine(s.text));
      return `\n**${escapeMarkdownName(oneLine(s.speaker))}** [${clock(s.start)}]\n${text ? `\n${text}\n` : ""}`;
    },
    tail: "",
  }),
  vtt: () => ({
    head: "WEBVTT\n",
    segment: (s) =>
      `\n${clock(s.start, ".")} --> ${clock(s.end, ".")}\n<v ${escapeVtt(oneLine(s.speaker))}>${escapeVtt(oneLine(s.text))}\n`,
    tail: "",
  }),
  srt: () => ({
    head: "",
    segment: (s, number) =>
      `${number === 0 ? "" : "\n"}${number + 1}\n${clock(s.start, ",")} --> ${clock(s.end, ",")}\n${said(oneLine(s.speaker), oneLine(s.text))}\n`,
    tail: "",
  }),
};

/**
 * Streams a transcript in `format`, pulling `pages` (segments in index order, a bounded page at a time)
 * only as the reader consumes, so a 20,000-segment transcript is never one string. Each read takes at most one
 * page (the stream keeps no read-ahead); cancelling the stream closes `pages`. Line breaks inside a segment's
 * text become spaces in every format but json; vtt escapes `&`, `<`, `>` in names and text.
 */
export function transcriptStream(
  format: TranscriptFormat,
  header: TranscriptHeader,
  pages: AsyncIterable<TranscriptSegment[]>,
): ReadableStream<Uint8Array> {
  const writer = WRITERS[format](header);
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let headWritten = false;
  let written = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headWritten) {
          headWritten = true;
          if (writer.head) return controller.enqueue(encoder.encode(writer.head));
        }
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            if (writer.tail) controller.enqueue(encoder.encode(writer.tail));
            return controller.close();
          }
          if (next.value.length === 0) continue;
          let chunk = "";
          for (const segment of next.value) chunk += writer.segment(segment, written++);
          return controller.enqueue(encoder.encode(chunk));
        }
      },
      async cancel(reason) {
        await iterator.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
