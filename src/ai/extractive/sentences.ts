import type { PromptSegment } from "../generations";
import { allMatches } from "./text";

/** One sentence of the transcript, with the segment (and so the speaker and times) it came from. */
export interface Sentence {
  /** Position in the meeting, 0-based. */
  order: number;
  /** The segment's `index` (what citations name). */
  segmentIndex: number;
  /** The segment's position in the input array. */
  segmentPosition: number;
  speaker: string;
  start: number;
  end: number;
  text: string;
}

const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "vs",
  "etc",
  "e.g",
  "i.e",
  "approx",
  "dept",
  "inc",
  "ltd",
  "co",
  "fig",
  "a.m",
  "p.m",
]);

const TERMINATOR = /[.!?…]+["'”’)\]]*(?=\s|$)/g;
/** Speech-to-text without punctuation gives endless "sentences"; past this many words they are cut. */
const MAX_SENTENCE_WORDS = 80;

function isAbbreviation(before: string): boolean {
  const lastWord = before
    .slice(before.lastIndexOf(" ") + 1)
    .toLowerCase()
    .replace(/^["'(]/, "");
  if (!lastWord) return false;
  // Single letters are initials ("J. Smith"), except "I" ending a sentence ("Bob and I.").
  return ABBREVIATIONS.has(lastWord) || (/^\p{L}$/u.test(lastWord) && lastWord !== "i");
}

function cutLong(sentence: string, out: string[]): void {
  // Words and the spaces between them take two characters each at least: short sentences need no count.
  if (sentence.length <= MAX_SENTENCE_WORDS * 2) {
    out.push(sentence);
    return;
  }
  const tokens = sentence.split(/\s+/);
  if (tokens.length <= MAX_SENTENCE_WORDS) {
    out.push(sentence);
    return;
  }
  const pieces = Math.ceil(tokens.length / MAX_SENTENCE_WORDS);
  const size = Math.ceil(tokens.length / pieces);
  for (let i = 0; i < tokens.length; i += size) out.push(tokens.slice(i, i + size).join(" "));
}

/** Splits text at `.`, `!`, `?` (and `…`) followed by a space, not after abbreviations or initials. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const match of allMatches(TERMINATOR, text)) {
    const until = match.index + match[0].length;
    if (match[0] === "." && isAbbreviation(text.slice(from, match.index))) continue;
    const sentence = text.slice(from, until).trim();
    if (/[\p{L}\p{N}]/u.test(sentence)) cutLong(sentence, out);
    from = until;
  }
  const rest = text.slice(from).trim();
  if (/[\p{L}\p{N}]/u.test(rest)) cutLong(rest, out);
  return out;
}

/** Every sentence of every segment, in meeting order. */
export function segmentSentences(segments: readonly PromptSegment[]): Sentence[] {
  const sentences: Sentence[] = [];
  segments.forEach((segment, segmentPosition) => {
    for (const text of splitSentences(segment.text)) {
      sentences.push({
        order: sentences.length,
        segmentIndex: segment.index,
        segmentPosition,
        speaker: segment.speaker,
        start: segment.start,
        end: segment.end,
        text,
      });
    }
  });
  return sentences;
}

/** Sentences that ask something: they end in "?" (closing quotes aside). */
export function isQuestion(sentence: string): boolean {
  return /\?["'”’)\]]*$/.test(sentence.trim());
}

/** Distinct speakers in order of first appearance. */
export function participants(segments: readonly PromptSegment[]): string[] {
  const seen = new Set<string>();
  for (const segment of segments) seen.add(segment.speaker);
  return [...seen];
}
