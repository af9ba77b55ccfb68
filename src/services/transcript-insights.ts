export interface SpeakerInsights {
  speaker: string;
  talkTimeSeconds: number;
  talkTimePct: number;
  wordCount: number;
  wordsPerMinute: number;
  longestMonologueSeconds: number;
  monologueCount: number;
  questionCount: number;
  fillerWordCount: number;
}

export interface TranscriptInsights {
  meeting: {
    durationSeconds: number;
    speakerCount: number;
    questionCount: number;
    silenceSeconds: number;
    interruptionCount: number;
  };
  /** Most talk time first. */
  speakers: SpeakerInsights[];
}

type InsightSegment = { speaker: string; start: number; end: number; text: string };

/** A monologue is a turn of at least this long (SPEC §6.3). */
const MONOLOGUE_MICROS = 60_000_000;

// Word characters for the whole-word rule: letters, digits, combining marks, and an apostrophe inside a word
// ("um's" is not "um", but "'um'" in quotes is).
const FILLER_PATTERN =
  /(?<![\p{L}\p{N}\p{M}]|[\p{L}\p{N}]['’])(?:umm?|uhh?|erm|er|ah|hmm|you\s+know|i\s+mean|sort\s+of|kind\s+of|basically|literally)(?![\p{L}\p{N}\p{M}]|['’][\p{L}\p{N}])/giu;
const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const WHITESPACE = /\s/;

/**
 * Times are taken at microsecond resolution and all sums are integers, so talk times, silences and turn
 * lengths carry no floating-point drift and rounding is exact.
 */
const micros = (seconds: number) => Math.round(seconds * 1_000_000);

/** `numerator / denominator` rounded half up, for non-negative safe integers (exact, no float ties). */
function divideRoundingHalfUp(numerator: number, denominator: number): number {
  const doubled = 2 * numerator + denominator;
  let quotient = Math.floor(doubled / (2 * denominator));
  if (quotient * 2 * denominator > doubled) quotient--;
  else if ((quotient + 1) * 2 * denominator <= doubled) quotient++;
  return quotient;
}

const secondsRounded = (us: number) => divideRoundingHalfUp(us, 10_000) / 100;

interface SpeakerTally {
  speaker: string;
  firstAppearance: number;
  talkMicros: number;
  wordCount: number;
  questionCount: number;
  fillerWordCount: number;
  longestTurnMicros: number;
  monologueCount: number;
}

/**
 * Whitespace-separated tokens holding a letter or digit. A character loop with an ASCII fast path rather than
 * `split` + a Unicode regex per token: this runs over every word of a 20,000-segment transcript per request.
 */
function countWords(text: string): number {
  let count = 0;
  let counted = false; // the current token already holds a letter or digit
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let space: boolean;
    let word: boolean;
    if (code < 128) {
      space = code === 32 || (code >= 9 && code <= 13);
      word = (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
    } else {
      const char = String.fromCodePoint(text.codePointAt(i) as number);
      if (char.length === 2) i++;
      space = WHITESPACE.test(char);
      word = !space && WORD_CHARACTER.test(char);
    }
    if (space) counted = false;
    else if (word && !counted) {
      count++;
      counted = true;
    }
  }
  return count;
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/**
 * Segments that start strictly inside a segment of another speaker. A sweep in start order keeps each speaker's
 * furthest end among segments that started strictly earlier, plus the two speakers with the furthest ends: the
 * furthest end among *other* speakers is then the first of those two that is not the segment's own speaker.
 * Segments sharing a start are all checked before any of them is added, so equal starts never interrupt.
 */
function countInterruptions(speakers: readonly string[], starts: readonly number[], ends: readonly number[]) {
  const furthest = new Map<string, number>();
  // Assigned through `raise`, so declared with `as`: TypeScript would otherwise keep them narrowed to null.
  let first = null as { speaker: string; end: number } | null;
  let second = null as { speaker: string; end: number } | null;
  const raise = (speaker: string, end: number) => {
    if ((furthest.get(speaker) ?? Number.NEGATIVE_INFINITY) >= end) return;
    furthest.set(speaker, end);
    if (first?.speaker === speaker) first.end = end;
    else if (second?.speaker === speaker) second.end = end;
    else if (!second || end > second.end) second = { speaker, end };
    if (second && (!first || second.end > first.end)) [first, second] = [second, first];
  };
  let count = 0;
  for (let groupStart = 0; groupStart < starts.length; ) {
    let groupEnd = groupStart;
    while (groupEnd < starts.length && starts[groupEnd] === starts[groupStart]) groupEnd++;
    for (let i = groupStart; i < groupEnd; i++) {
      const other = first?.speaker === speakers[i] ? second : first;
      if (other && other.end > (starts[i] as number)) count++;
    }
    for (let i = groupStart; i < groupEnd; i++) raise(speakers[i] as string, ends[i] as number);
    groupStart = groupEnd;
  }
  return count;
}

/**
 * SPEC §6.3, exactly. `speaker` is the display name (renames applied), so merged labels count as one person.
 * A segment whose `end` is before its `start` counts as zero-length. "Last end" (of the meeting, of a turn) is
 * the latest end, which is the last segment's end unless a segment is nested inside an earlier one. Rounding is
 * half up on the decimal value (33.35 % → 33.4). Speakers with equal talk time (to the microsecond) keep the
 * order of their first segment in start order; segments with equal starts keep their input order throughout.
 */
export function computeInsights(segments: readonly InsightSegment[]): TranscriptInsights {
  const order = segments.map((_, i) => i);
  const startOf = segments.map((s) => micros(s.start));
  const endOf = segments.map((s, i) => Math.max(micros(s.end), startOf[i] as number));
  order.sort((a, b) => (startOf[a] as number) - (startOf[b] as number) || a - b);

  const tallies = new Map<string, SpeakerTally>();
  let unionMicros = 0;
  let coveredUntil = Number.NEGATIVE_INFINITY;
  let firstStart = 0;
  let lastEnd = 0;
  let turn = null as { tally: SpeakerTally; start: number; end: number } | null;
  const closeTurn = () => {
    if (!turn) return;
    const length = turn.end - turn.start;
    turn.tally.longestTurnMicros = Math.max(turn.tally.longestTurnMicros, length);
    if (length >= MONOLOGUE_MICROS) turn.tally.monologueCount++;
  };

  for (const [position, i] of order.entries()) {
    const segment = segments[i] as InsightSegment;
    const start = startOf[i] as number;
    const end = endOf[i] as number;
    let tally = tallies.get(segment.speaker);
    if (!tally) {
      tally = {
        speaker: segment.speaker,
        firstAppearance: position,
        talkMicros: 0,
        wordCount: 0,
        questionCount: 0,
        fillerWordCount: 0,
        longestTurnMicros: 0,
        monologueCount: 0,
      };
      tallies.set(segment.speaker, tally);
    }
    tally.talkMicros += end - start;
    tally.wordCount += countWords(segment.text);
    tally.questionCount += countChar(segment.text, "?");
    tally.fillerWordCount += segment.text.match(FILLER_PATTERN)?.length ?? 0;

    if (turn?.tally === tally) turn.end = Math.max(turn.end, end);
    else {
      closeTurn();
      turn = { tally, start, end };
    }

    if (position === 0) firstStart = start;
    lastEnd = Math.max(lastEnd, end);
    if (end > coveredUntil) {
      unionMicros += end - Math.max(start, coveredUntil);
      coveredUntil = end;
    }
  }
  closeTurn();

  const sortedSpeakers = order.map((i) => segments[i]?.speaker as string);
  const interruptionCount = countInterruptions(
    sortedSpeakers,
    order.map((i) => startOf[i] as number),
    order.map((i) => endOf[i] as number),
  );

  const ranked = [...tallies.values()].sort(
    (a, b) => b.talkMicros - a.talkMicros || a.firstAppearance - b.firstAppearance,
  );
  const totalTalk = ranked.reduce((sum, tally) => sum + tally.talkMicros, 0);
  const durationMicros = segments.length === 0 ? 0 : lastEnd - firstStart;

  return {
    meeting: {
      durationSeconds: secondsRounded(durationMicros),
      speakerCount: ranked.length,
      questionCount: ranked.reduce((sum, tally) => sum + tally.questionCount, 0),
      silenceSeconds: secondsRounded(durationMicros - unionMicros),
      interruptionCount,
    },
    speakers: ranked.map((tally) => ({
      speaker: tally.speaker,
      talkTimeSeconds: secondsRounded(tally.talkMicros),
      talkTimePct: totalTalk === 0 ? 0 : divideRoundingHalfUp(tally.talkMicros * 1000, totalTalk) / 10,
      wordCount: tally.wordCount,
      wordsPerMinute: tally.talkMicros === 0 ? 0 : divideRoundingHalfUp(tally.wordCount * 60_000_000, tally.talkMicros),
      longestMonologueSeconds: secondsRounded(tally.longestTurnMicros),
      monologueCount: tally.monologueCount,
      questionCount: tally.questionCount,
      fillerWordCount: tally.fillerWordCount,
    })),
  };
}
