import { ApiError, type FieldIssue, MAX_PROBLEM_ERRORS } from "../lib/errors";
import type { NewSegment } from "./transcript-segments";

export const MAX_IMPORT_SEGMENTS = 20_000;
export const MAX_SEGMENT_TEXT = 10_000;
export const DEFAULT_SPEAKER = "Speaker 1";

type Format = "vtt" | "srt";

const VTT_TIME = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
// SRT's separator is a comma; a dot is common enough in the wild to accept.
const SRT_TIME = /^(\d+):([0-5]\d):([0-5]\d)[,.](\d{3})$/;
const TIME_HINT: Record<Format, string> = { vtt: "hh:mm:ss.ttt or mm:ss.ttt", srt: "hh:mm:ss,ttt" };
const TIMING_HINT: Record<Format, string> = { vtt: "start --> end", srt: "hh:mm:ss,ttt --> hh:mm:ss,ttt" };

const VOICE_TAG = /<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>/;
const VTT_TAG = /<[^>]*>/g;
// SRT has no escaping, so only the formatting tags players understand are removed ("a < b" stays).
const SRT_TAG = /<\/?(?:i|b|u|s|font)(?:\s[^>]*)?>|\{\\[^}]*\}/gi;
const ENTITY = /&(?:(amp|lt|gt|nbsp|quot|apos|lrm|rlm)|#(\d{1,7})|#[xX]([\da-fA-F]{1,6}));/g;
const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  nbsp: "\u00a0",
  quot: '"',
  apos: "'",
  lrm: "\u200e",
  rlm: "\u200f",
};

/*
 * `Name: text` gives the speaker only when the part before the colon looks like a name: at most 40 characters and
 * 1–4 words, the colon followed by whitespace or the end of the cue; the first word starts with a capital (or a
 * letter of a script without case, e.g. 李雷), later words likewise or with a digit ("Speaker 2") or are a
 * lowercase particle ("van", "de"); words hold letters, digits, marks and . ' ’ -. A single lead-in word that
 * usually introduces a remark rather than a person ("Note: the deadline moved", "Warning:", "Re:") is text.
 */
const NAME_PREFIX = /^([^:]{1,40}):(?:\s+|$)/;
const FIRST_NAME_WORD = /^[\p{Lu}\p{Lt}\p{Lo}][\p{L}\p{M}\p{N}.'’-]*$/u;
const LATER_NAME_WORD = /^[\p{Lu}\p{Lt}\p{Lo}\p{N}][\p{L}\p{M}\p{N}.'’-]*$/u;
const NAME_PARTICLES = new Set(["van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "dos", "le", "la"]);
const NOT_NAMES = new Set(
  (
    "note notes nb ps warning caution important attention update edit re fyi tip hint todo reminder question " +
    "answer example summary agenda decision action subject topic disclaimer source translation step result " +
    "reason error info status time date location address email phone link price total so well now also yes no ok okay"
  ).split(" "),
);

function speakerPrefix(text: string): { speaker: string; rest: string } | null {
  const match = NAME_PREFIX.exec(text);
  if (!match) return null;
  const words = (match[1] as string).trim().split(/\s+/);
  if (words.length > 4 || !FIRST_NAME_WORD.test(words[0] as string)) return null;
  if (words.length === 1 && NOT_NAMES.has((words[0] as string).toLowerCase())) return null;
  if (!words.slice(1).every((word) => LATER_NAME_WORD.test(word) || NAME_PARTICLES.has(word))) return null;
  return { speaker: words.join(" "), rest: text.slice(match[0].length) };
}

const decodeEntities = (text: string) =>
  text.replace(ENTITY, (whole, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name) return NAMED_ENTITIES[name] as string;
    const codePoint = Number.parseInt((decimal ?? hex) as string, decimal ? 10 : 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
  });

/** Milliseconds of a timestamp, or null when it is not one of the format's. */
function parseTime(format: Format, text: string): number | null {
  const match = (format === "vtt" ? VTT_TIME : SRT_TIME).exec(text);
  if (!match) return null;
  const [, hours, minutes, seconds, millis] = match;
  return ((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 + Number(millis);
}

function splitTiming(line: string): { start: string; end: string } {
  const arrow = line.indexOf("-->");
  return {
    start: line.slice(0, arrow).trim(),
    end:
      line
        .slice(arrow + 3)
        .trim()
        .split(/\s+/)[0] ?? "",
  };
}

/** A text line that is a whole timing line means the blank line before a cue is missing. */
function isTimingLine(format: Format, line: string): boolean {
  if (!line.includes("-->")) return false;
  const { start, end } = splitTiming(line);
  return parseTime(format, start) !== null && parseTime(format, end) !== null;
}

const isBlank = (line: string) => line.trim() === "";
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ",");

class Problems {
  readonly listed: FieldIssue[] = [];
  count = 0;

  add(lineIndex: number, message: string) {
    this.count++;
    if (this.listed.length < MAX_PROBLEM_ERRORS) {
      this.listed.push({ location: "body.content", message: `line ${lineIndex + 1}: ${message}` });
    }
  }
}

class SubtitleParser {
  readonly segments: NewSegment[] = [];
  readonly problems = new Problems();
  private tooMany = false;

  constructor(
    private readonly format: Format,
    private readonly lines: readonly string[],
  ) {}

  get stopped() {
    return this.tooMany;
  }

  /** Reads the cue of the block `blockStart`–`blockEnd` whose timing line is at `timingAt`. */
  cue(blockStart: number, timingAt: number, blockEnd: number) {
    if (this.segments.length === MAX_IMPORT_SEGMENTS) {
      this.problems.add(
        blockStart,
        `more than ${thousands(MAX_IMPORT_SEGMENTS)} cues; at most ${thousands(MAX_IMPORT_SEGMENTS)} are allowed`,
      );
      this.tooMany = true;
      return;
    }
    const { start, end } = splitTiming(this.lines[timingAt] as string);
    const startMs = parseTime(this.format, start);
    const endMs = parseTime(this.format, end);
    const hint = `(expected ${TIME_HINT[this.format]})`;
    if (startMs === null) this.problems.add(timingAt, `invalid start time "${start}" ${hint}`);
    if (endMs === null) this.problems.add(timingAt, `invalid end time "${end}" ${hint}`);
    if (startMs !== null && endMs !== null && endMs < startMs) {
      this.problems.add(timingAt, `the cue ends (${end}) before it starts (${start})`);
    }
    let textEnd = blockEnd;
    for (let i = timingAt + 1; i < blockEnd; i++) {
      if (isTimingLine(this.format, this.lines[i] as string)) {
        this.problems.add(i, "a timing line inside a cue's text (is the blank line before it missing?)");
        textEnd = i;
        break;
      }
    }
    const raw = this.lines.slice(timingAt + 1, textEnd);
    const { speaker, text } = this.format === "vtt" ? vttCueText(raw) : srtCueText(raw);
    if (text.length > MAX_SEGMENT_TEXT) {
      this.problems.add(
        timingAt + 1,
        `the cue's text is ${thousands(text.length)} characters; at most ${thousands(MAX_SEGMENT_TEXT)} are allowed`,
      );
    }
    if (startMs === null || endMs === null) return;
    this.segments.push({ speaker, start: startMs / 1000, end: endMs / 1000, text });
  }

  expectedTiming(lineIndex: number) {
    this.problems.add(lineIndex, `expected a cue timing line "${TIMING_HINT[this.format]}"`);
  }
}

function withSpeakerPrefix(text: string, speaker: string | null): { speaker: string; text: string } {
  if (speaker) return { speaker, text };
  const prefixed = speakerPrefix(text);
  return prefixed ? { speaker: prefixed.speaker, text: prefixed.rest } : { speaker: DEFAULT_SPEAKER, text };
}

function vttCueText(lines: readonly string[]): { speaker: string; text: string } {
  const voice = VOICE_TAG.exec(lines.join("\n"))?.[1];
  const voiceName = voice === undefined ? "" : decodeEntities(voice).trim().replace(/\s+/g, " ");
  const text = lines
    .map((line) => decodeEntities(line.replace(VTT_TAG, "")).trim())
    .filter((line) => line !== "")
    .join(" ");
  return withSpeakerPrefix(text, voiceName || null);
}

function srtCueText(lines: readonly string[]): { speaker: string; text: string } {
  const text = lines
    .map((line) => line.replace(SRT_TAG, "").trim())
    .filter((line) => line !== "")
    .join(" ");
  return withSpeakerPrefix(text, null);
}

/** Calls `visit(start, end)` for each run of non-blank lines from `from` on, until `parser` stops. */
function forEachBlock(
  lines: readonly string[],
  from: number,
  parser: SubtitleParser,
  visit: (s: number, e: number) => void,
) {
  let i = from;
  while (i < lines.length && !parser.stopped) {
    while (i < lines.length && isBlank(lines[i] as string)) i++;
    if (i === lines.length) break;
    const start = i;
    while (i < lines.length && !isBlank(lines[i] as string)) i++;
    visit(start, i);
  }
}

function parseVtt(parser: SubtitleParser, lines: readonly string[]) {
  let headerEnd = 0;
  while (headerEnd < lines.length && !isBlank(lines[headerEnd] as string)) headerEnd++;
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? "")) {
    parser.problems.add(0, 'a WebVTT file starts with "WEBVTT"');
  } else {
    const cueInHeader = lines.slice(1, headerEnd).findIndex((line) => line.includes("-->"));
    if (cueInHeader !== -1) parser.problems.add(cueInHeader + 1, "expected a blank line after the WEBVTT header");
  }
  forEachBlock(lines, headerEnd, parser, (start, end) => {
    const first = lines[start] as string;
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) return;
    if (first.includes("-->")) parser.cue(start, start, end);
    else if (start + 1 < end && (lines[start + 1] as string).includes("-->")) parser.cue(start, start + 1, end);
    else parser.expectedTiming(start);
  });
}

function parseSrt(parser: SubtitleParser, lines: readonly string[]) {
  forEachBlock(lines, 0, parser, (start, end) => {
    const first = lines[start] as string;
    if (first.includes("-->")) parser.cue(start, start, end);
    else if (!/^\d+$/.test(first.trim())) parser.problems.add(start, "expected a cue number");
    else if (start + 1 < end && (lines[start + 1] as string).includes("-->")) parser.cue(start, start + 1, end);
    else parser.expectedTiming(Math.min(start + 1, end - 1));
  });
}

/**
 * Parses a WebVTT or SRT file into segments (SPEC §6.2 import). Speakers come from `<v Name>` voice tags
 * and `Name: text` cues; a cue without one is `Speaker 1`. A malformed file throws
 * `ApiError("validation_error")` whose `errors[].message` names the line (1-based) and location `body.content`.
 * Lines are joined with a space; of several voice tags in a cue the first names the speaker. A cue without
 * text is a segment with empty text.
 */
export function parseSubtitles(format: Format, content: string): NewSegment[] {
  const lines = content.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const parser = new SubtitleParser(format, lines);
  if (format === "vtt") parseVtt(parser, lines);
  else parseSrt(parser, lines);
  const { problems } = parser;
  if (problems.count === 0 && parser.segments.length === 0) problems.add(0, "the file has no cues");
  if (problems.count > 0) {
    const name = format === "vtt" ? "WebVTT" : "SRT";
    const listed = problems.count > problems.listed.length ? `; the first ${problems.listed.length} are listed` : "";
    throw new ApiError(
      "validation_error",
      `The ${name} file is malformed: ${problems.count} problem${problems.count === 1 ? "" : "s"}${listed}.`,
      { errors: problems.listed },
    );
  }
  return parser.segments;
}
