import type { GenerationOutput, PromptSegment } from "../generations";
import { AiProviderError } from "../provider";
import type { Analysis } from "./analysis";
import { isQuestion } from "./sentences";
import { words } from "./text";

type Category = keyof GenerationOutput["feedback"]["categoryScores"];
const CATEGORIES: Category[] = ["clarity", "listening", "timeManagement", "collaboration", "decisionMaking"];

/** What can be measured of one speaker's part in the meeting. */
export interface SpeakerFeatures {
  speakerCount: number;
  talkShare: number;
  words: number;
  wordsPerMinute: number;
  fillerWords: number;
  averageSentenceWords: number;
  turns: number;
  longestTurnSeconds: number;
  averageTurnSeconds: number;
  monologues: number;
  questions: number;
  interruptionsMade: number;
  inclusiveWords: number;
  decisions: number;
  actionItems: number;
}

const FILLER = /\b(?:umm?|uhh?|erm|er|ah|hmm|you know|i mean|sort of|kind of|basically|literally)\b/gi;
const INCLUSIVE = new Set(["we", "us", "our", "ours", "let's", "together", "everyone"]);
const MONOLOGUE_SECONDS = 60;

function byStart(segments: readonly PromptSegment[]): PromptSegment[] {
  return [...segments].sort((a, b) => a.start - b.start || a.index - b.index);
}

/**
 * Segments of `speaker` that start strictly inside a segment of someone else (SPEC §6.3's interruption).
 * One pass in start order, keeping the latest end of each other speaker's earlier-starting segments.
 */
function interruptionsBy(ordered: readonly PromptSegment[], speaker: string): number {
  const latestEnd = new Map<string, number>();
  let count = 0;
  let i = 0;
  while (i < ordered.length) {
    const start = ordered[i]?.start ?? 0;
    let j = i;
    while (j < ordered.length && ordered[j]?.start === start) j++;
    for (let k = i; k < j; k++) {
      const segment = ordered[k] as PromptSegment;
      if (segment.speaker !== speaker) continue;
      for (const [other, end] of latestEnd) {
        if (other !== segment.speaker && end > segment.start) {
          count++;
          break;
        }
      }
    }
    for (let k = i; k < j; k++) {
      const segment = ordered[k] as PromptSegment;
      latestEnd.set(segment.speaker, Math.max(latestEnd.get(segment.speaker) ?? 0, segment.end));
    }
    i = j;
  }
  return count;
}

export function speakerFeatures(analysis: Analysis, speaker: string): SpeakerFeatures {
  const ordered = byStart(analysis.segments);
  let total = 0;
  let own = 0;
  let wordCount = 0;
  let fillerWords = 0;
  let inclusiveWords = 0;
  const turnLengths: number[] = [];
  let turnStart = 0;
  let turnEnd = 0;
  let previousSpeaker: string | null = null;
  for (const segment of ordered) {
    const length = Math.max(0, segment.end - segment.start);
    total += length;
    if (segment.speaker === speaker) {
      own += length;
      const segmentWords = words(segment.text);
      wordCount += segmentWords.length;
      fillerWords += segment.text.match(FILLER)?.length ?? 0;
      for (const word of segmentWords) if (INCLUSIVE.has(word)) inclusiveWords++;
      if (previousSpeaker === speaker) {
        turnEnd = Math.max(turnEnd, segment.end);
      } else {
        turnStart = segment.start;
        turnEnd = segment.end;
      }
    } else if (previousSpeaker === speaker) {
      turnLengths.push(turnEnd - turnStart);
    }
    previousSpeaker = segment.speaker;
  }
  if (previousSpeaker === speaker) turnLengths.push(turnEnd - turnStart);
  const sentences = analysis.sentences.filter((sentence) => sentence.speaker === speaker);
  return {
    speakerCount: analysis.participants.length,
    talkShare: total > 0 ? own / total : 0,
    words: wordCount,
    wordsPerMinute: own > 0 ? Math.round(wordCount / (own / 60)) : 0,
    fillerWords,
    averageSentenceWords: sentences.length > 0 ? wordCount / sentences.length : 0,
    turns: turnLengths.length,
    longestTurnSeconds: turnLengths.reduce((longest, length) => Math.max(longest, length), 0),
    averageTurnSeconds: turnLengths.length > 0 ? turnLengths.reduce((a, b) => a + b, 0) / turnLengths.length : 0,
    monologues: turnLengths.filter((length) => length >= MONOLOGUE_SECONDS).length,
    questions: sentences.filter((sentence) => isQuestion(sentence.text)).length,
    interruptionsMade: interruptionsBy(ordered, speaker),
    inclusiveWords,
    decisions: analysis.decisions.filter((decision) => decision.sentence.speaker === speaker).length,
    actionItems: analysis.actionItems.filter((item) => item.sentence.speaker === speaker).length,
  };
}

const clamp = (score: number) => Math.round(Math.min(10, Math.max(0, score)) * 10) / 10;

/** Category scores from the features alone; each rule is the deduction or bonus named in its line. */
export function categoryScores(f: SpeakerFeatures): Record<Category, number> {
  const fillerRate = f.words > 0 ? (f.fillerWords / f.words) * 100 : 0;
  const paceOff = f.wordsPerMinute === 0 ? 0 : Math.max(0, 110 - f.wordsPerMinute, f.wordsPerMinute - 170);
  const fairShare = 1 / Math.max(1, f.speakerCount);
  const dominance = f.speakerCount > 1 ? Math.max(0, f.talkShare / fairShare - 1) : 0;
  const interruptionRate = f.interruptionsMade / Math.max(1, f.turns);
  const inclusiveRate = f.words > 0 ? f.inclusiveWords / f.words : 0;
  return {
    clarity: clamp(
      10 -
        Math.min(4, fillerRate * 0.8) -
        Math.min(3, paceOff / 20) -
        Math.min(2, Math.max(0, f.averageSentenceWords - 25) / 10),
    ),
    listening: clamp(
      10 - Math.min(6, dominance * 4) - Math.min(3, interruptionRate * 10) + Math.min(1.5, f.questions * 0.25),
    ),
    timeManagement: clamp(
      10 -
        Math.min(6, f.monologues * 1.5) -
        Math.min(2, Math.max(0, f.longestTurnSeconds - 120) / 60) -
        (f.averageTurnSeconds > 45 ? 1 : 0),
    ),
    collaboration: clamp(
      4 +
        Math.min(3, f.questions * 0.5) +
        Math.min(2, inclusiveRate * 40) +
        (f.turns >= 3 ? 1 : 0) -
        Math.min(2, f.interruptionsMade * 0.5),
    ),
    decisionMaking: clamp(4 + Math.min(4, f.decisions * 2) + Math.min(3, f.actionItems)),
  };
}

const ADVICE: Record<Category, string> = {
  clarity: "Pause instead of filling silences, and make one point per sentence.",
  listening: "Talk less than your share: ask a question, then let others answer before adding your view.",
  timeManagement: "Keep turns under a minute: make your point, then hand over.",
  collaboration: "Ask at least one open question per topic and build on what others said.",
  decisionMaking: "Close each topic by stating the decision and who does what by when.",
};

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const percent = (share: number) => `${Math.round(share * 100)}%`;
const one = (value: number) => (Math.round(value * 10) / 10).toString();

function observation(category: Category, f: SpeakerFeatures, strong: boolean): string {
  const fillerRate = f.words > 0 ? (f.fillerWords / f.words) * 100 : 0;
  switch (category) {
    case "clarity":
      return strong
        ? `Spoke clearly: ${one(fillerRate)} filler words per 100 words at ${f.wordsPerMinute} words per minute.`
        : `Used ${plural(f.fillerWords, "filler word")} (${one(fillerRate)} per 100) at ${f.wordsPerMinute} words per minute, averaging ${Math.round(f.averageSentenceWords)} words a sentence.`;
    case "listening":
      return strong
        ? `Left room for others: ${percent(f.talkShare)} of the talk time among ${f.speakerCount} speakers, with ${plural(f.interruptionsMade, "interruption")}.`
        : `Spoke for ${percent(f.talkShare)} of the talk time (an even share among ${f.speakerCount} speakers is ${percent(1 / Math.max(1, f.speakerCount))}) and started ${plural(f.interruptionsMade, "segment")} while someone else was speaking.`;
    case "timeManagement":
      return strong
        ? `Kept turns short: the longest lasted ${Math.round(f.longestTurnSeconds)} s, with ${plural(f.monologues, "monologue")} of a minute or more.`
        : `Held ${plural(f.monologues, "monologue")} of a minute or more; the longest turn lasted ${Math.round(f.longestTurnSeconds)} s.`;
    case "collaboration":
      return strong
        ? `Drew others in: asked ${plural(f.questions, "question")} over ${plural(f.turns, "turn")} and spoke in terms of "we".`
        : `Asked ${plural(f.questions, "question")} over ${plural(f.turns, "turn")}.`;
    case "decisionMaking":
      return strong
        ? `Moved the meeting forward: voiced ${plural(f.decisions, "decision")} and took or assigned ${plural(f.actionItems, "action item")}.`
        : `Voiced ${plural(f.decisions, "decision")} and ${plural(f.actionItems, "action item")}.`;
  }
}

/** Feedback for one speaker, every score and sentence derived from measured features (deterministic). */
export function feedbackFor(analysis: Analysis, speakerName: string): GenerationOutput["feedback"] {
  if (!analysis.participants.includes(speakerName)) {
    throw new AiProviderError("rejected", `"${speakerName}" is not a speaker of this transcript.`);
  }
  const features = speakerFeatures(analysis, speakerName);
  const scores = categoryScores(features);
  const ranked = [...CATEGORIES].sort((a, b) => scores[a] - scores[b] || CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b));
  const weakest = ranked[0] as Category;
  const strongest = ranked.at(-1) as Category;
  const strongCategories = CATEGORIES.filter((category) => scores[category] >= 7);
  const weakCategories = ranked.filter((category) => scores[category] < 6);
  const strengths = (strongCategories.length > 0 ? strongCategories : [strongest]).map((category) =>
    observation(category, features, true),
  );
  const growth = weakCategories.length > 0 ? weakCategories : scores[weakest] < 10 ? [weakest] : [];
  const planned = ranked.filter((category) => scores[category] < 8).slice(0, 3);
  const overall = CATEGORIES.reduce((sum, category) => sum + scores[category], 0) / CATEGORIES.length;
  return {
    overallScore: clamp(overall),
    topPriority: ADVICE[weakest],
    strengths,
    growthAreas: growth.map((category) => observation(category, features, false)),
    categoryScores: scores,
    actionPlan: (planned.length > 0 ? planned : [weakest]).map((category) => ADVICE[category]),
  };
}
