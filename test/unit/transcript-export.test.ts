import { describe, expect, it } from "vitest";
import {
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  type TranscriptHeader,
  transcriptStream,
} from "../../src/services/transcript-export";
import { parseSubtitles } from "../../src/services/transcript-import";
import type { TranscriptSegment } from "../../src/services/transcript-segments";

const header: TranscriptHeader = {
  transcriptionId: "trn_1",
  language: "en",
  durationInSeconds: 360_000.5,
  speakers: ["Alice", "Bob & Co"],
  title: "Weekly sync — 2026-11-21",
};

const segments: TranscriptSegment[] = [
  { index: 0, speakerLabel: "Speaker 1", speaker: "Alice", start: 1.2, end: 4.5, text: "Hello <everyone> & welcome" },
  { index: 1, speakerLabel: "Speaker 2", speaker: "Bob & Co", start: 65, end: 70.25, text: "Line one\n\nline two " },
  { index: 2, speakerLabel: "Speaker 1", speaker: "Alice", start: 3725.9996, end: 3726, text: "Bye --> now" },
  { index: 3, speakerLabel: "Speaker 3", speaker: "Zoë <b>*", start: 360_000, end: 360_000.5, text: "" },
];

async function* pagesOf<T>(pages: T[][], onPage?: () => void): AsyncGenerator<T[]> {
  for (const page of pages) {
    onPage?.();
    yield page;
  }
}

async function chunksOf(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const decoder = new TextDecoder();
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(decoder.decode(chunk));
  return chunks;
}

const exported = async (
  format: TranscriptFormat,
  pages: TranscriptSegment[][] = [segments.slice(0, 2), [], segments.slice(2)],
) => (await chunksOf(transcriptStream(format, header, pagesOf(pages)))).join("");

describe("transcriptStream", () => {
  it("writes json", async () => {
    const text = await exported("json");
    expect(text).toBe(
      '{"transcriptionId":"trn_1","language":"en","durationInSeconds":360000.5,"speakers":["Alice","Bob & Co"],"segments":[' +
        '{"index":0,"speaker":"Alice","speakerLabel":"Speaker 1","start":1.2,"end":4.5,"text":"Hello <everyone> & welcome"},' +
        '{"index":1,"speaker":"Bob & Co","speakerLabel":"Speaker 2","start":65,"end":70.25,"text":"Line one\\n\\nline two "},' +
        '{"index":2,"speaker":"Alice","speakerLabel":"Speaker 1","start":3725.9996,"end":3726,"text":"Bye --> now"},' +
        '{"index":3,"speaker":"Zoë <b>*","speakerLabel":"Speaker 3","start":360000,"end":360000.5,"text":""}]}',
    );
    expect(JSON.parse(text).segments).toEqual(segments);
  });

  it("writes valid json for an empty transcript and null fields", async () => {
    const text = (
      await chunksOf(
        transcriptStream("json", { ...header, language: null, durationInSeconds: null, speakers: [] }, pagesOf([])),
      )
    ).join("");
    expect(text).toBe(
      '{"transcriptionId":"trn_1","language":null,"durationInSeconds":null,"speakers":[],"segments":[]}',
    );
  });

  it("writes txt, one line per segment, times truncated to the second", async () => {
    expect(await exported("txt")).toBe(
      [
        "[00:00:01] Alice: Hello <everyone> & welcome",
        "[00:01:05] Bob & Co: Line one line two",
        "[01:02:06] Alice: Bye --> now", // 3725.9996 is 3726.000 to the millisecond
        "[100:00:00] Zoë <b>*:",
        "",
      ].join("\n"),
    );
  });

  it("writes md: the title, then the speaker and time, then the text", async () => {
    expect(await exported("md")).toBe(
      [
        "# Weekly sync — 2026-11-21",
        "",
        "**Alice** [00:00:01]",
        "",
        "Hello \\<everyone> & welcome",
        "",
        "**Bob & Co** [00:01:05]",
        "",
        "Line one line two",
        "",
        "**Alice** [01:02:06]",
        "",
        "Bye --> now",
        "",
        "**Zoë \\<b>\\*** [100:00:00]",
        "",
      ].join("\n"),
    );
  });

  it("writes vtt with voice tags, escaping text and names", async () => {
    expect(await exported("vtt")).toBe(
      [
        "WEBVTT",
        "",
        "00:00:01.200 --> 00:00:04.500",
        "<v Alice>Hello &lt;everyone&gt; &amp; welcome",
        "",
        "00:01:05.000 --> 00:01:10.250",
        "<v Bob &amp; Co>Line one line two",
        "",
        "01:02:06.000 --> 01:02:06.000",
        "<v Alice>Bye --&gt; now",
        "",
        "100:00:00.000 --> 100:00:00.500",
        "<v Zoë &lt;b&gt;*>",
        "",
      ].join("\n"),
    );
  });

  it("writes srt with numbered `Speaker: text` cues", async () => {
    expect(await exported("srt")).toBe(
      [
        "1",
        "00:00:01,200 --> 00:00:04,500",
        "Alice: Hello <everyone> & welcome",
        "",
        "2",
        "00:01:05,000 --> 00:01:10,250",
        "Bob & Co: Line one line two",
        "",
        "3",
        "01:02:06,000 --> 01:02:06,000",
        "Alice: Bye --> now",
        "",
        "4",
        "100:00:00,000 --> 100:00:00,500",
        "Zoë <b>*:",
        "",
      ].join("\n"),
    );
  });

  it("writes only the frame of each format for an empty transcript", async () => {
    const empty = await Promise.all(TRANSCRIPT_FORMATS.map((format) => exported(format, [])));
    expect(Object.fromEntries(TRANSCRIPT_FORMATS.map((format, i) => [format, empty[i]]))).toEqual({
      json: '{"transcriptionId":"trn_1","language":"en","durationInSeconds":360000.5,"speakers":["Alice","Bob & Co"],"segments":[]}',
      txt: "",
      md: "# Weekly sync — 2026-11-21\n",
      vtt: "WEBVTT\n",
      srt: "",
    });
  });

  it("encodes UTF-8", async () => {
    const bytes: number[] = [];
    const stream = transcriptStream(
      "txt",
      header,
      pagesOf([[{ ...segments[0], speaker: "Zoë", text: "日本" } as TranscriptSegment]]),
    );
    for await (const chunk of stream) bytes.push(...chunk);
    expect(bytes).toEqual([...new TextEncoder().encode("[00:00:01] Zoë: 日本\n")]);
  });

  it("pulls one page per read, only as the reader asks", async () => {
    let produced = 0;
    const pages = [[segments[0]], [segments[1]], [segments[2]]] as TranscriptSegment[][];
    const reader = transcriptStream(
      "vtt",
      header,
      pagesOf(pages, () => produced++),
    ).getReader();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(produced).toBe(0);
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe("WEBVTT\n");
    expect(produced).toBe(0);
    expect(decoder.decode((await reader.read()).value)).toBe(
      "\n00:00:01.200 --> 00:00:04.500\n<v Alice>Hello &lt;everyone&gt; &amp; welcome\n",
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(produced).toBe(1);
    await reader.read();
    expect(produced).toBe(2);
  });

  it("closes the pages when the reader cancels", async () => {
    let closed = false;
    async function* pages() {
      try {
        yield [segments[0] as TranscriptSegment];
        yield [segments[1] as TranscriptSegment];
      } finally {
        closed = true;
      }
    }
    const reader = transcriptStream("srt", header, pages()).getReader();
    await reader.read();
    await reader.cancel();
    expect(closed).toBe(true);
  });

  it("round-trips speakers, times and text through vtt", async () => {
    const odd: TranscriptSegment[] = [
      { index: 0, speakerLabel: "a", speaker: "Bob & Co", start: 0, end: 1.001, text: "a < b && c > d" },
      { index: 1, speakerLabel: "b", speaker: "<admin>", start: 1.5, end: 2, text: "Note: no prefix parsing here" },
      { index: 2, speakerLabel: "c", speaker: "Note", start: 59.999, end: 3600.001, text: "--> arrows" },
      { index: 3, speakerLabel: "d", speaker: "lower case", start: 360_000.25, end: 400_000, text: "long  gap" },
    ];
    const text = (await chunksOf(transcriptStream("vtt", header, pagesOf([odd])))).join("");
    expect(parseSubtitles("vtt", text)).toEqual(
      odd.map(({ speaker, start, end, text }) => ({ speaker, start, end, text })),
    );
  });

  it("round-trips speakers, times and text through srt when names look like names", async () => {
    const named: TranscriptSegment[] = [
      { index: 0, speakerLabel: "a", speaker: "Alice", start: 0, end: 1.001, text: "a < b && c > d" },
      { index: 1, speakerLabel: "b", speaker: "Bob Smith", start: 1.5, end: 2, text: "Note: still Bob's text" },
      { index: 2, speakerLabel: "c", speaker: "Speaker 2", start: 59.999, end: 3600.001, text: "--> arrows" },
      { index: 3, speakerLabel: "d", speaker: "Zoë", start: 360_000.25, end: 400_000, text: "long  gap" },
    ];
    const text = (await chunksOf(transcriptStream("srt", header, pagesOf([named.slice(0, 1), named.slice(1)])))).join(
      "",
    );
    expect(parseSubtitles("srt", text)).toEqual(
      named.map(({ speaker, start, end, text }) => ({ speaker, start, end, text })),
    );
  });
});
