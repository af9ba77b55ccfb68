import type { PromptSegment } from "../generations";
import { type ActionItem, extractActionItems } from "./actions";
import { extractDates } from "./dates";
import { extractDecisions } from "./decisions";
import { nameGuesser } from "./names";
import { analyseSalience, type Salience, topKeywords, topSentences } from "./salience";
import { participants, type Sentence, segmentSentences } from "./sentences";
import { capitalise, cleanSentence, joinList } from "./text";

/** Everything the generations share, computed once per call in a few linear passes. */
export interface Analysis {
  segments: readonly PromptSegment[];
  sentences: Sentence[];
  salience: Salience;
  participants: string[];
  actionItems: ActionItem[];
  decisions: { text: string; sentence: Sentence }[];
  importantDates: { date: string; context: string }[];
}

export function analyse(segments: readonly PromptSegment[]): Analysis {
  const sentences = segmentSentences(segments);
  return {
    segments,
    sentences,
    salience: analyseSalience(sentences),
    participants: participants(segments),
    actionItems: extractActionItems(sentences, nameGuesser(sentences)),
    decisions: extractDecisions(sentences),
    importantDates: extractDates(sentences),
  };
}

/** How many sentences an overview quotes: grows slowly with the meeting, 3 to 10. */
export function overviewLength(sentenceCount: number): number {
  return Math.max(3, Math.min(10, Math.round(Math.sqrt(sentenceCount) / 2)));
}

/** The most salient sentences of the whole meeting, cleaned, in meeting order. */
export function overviewSentences(analysis: Analysis, limit = overviewLength(analysis.sentences.length)): string[] {
  const all = analysis.sentences.map((sentence) => sentence.order);
  return topSentences(analysis.salience, all, limit).map((order) =>
    cleanSentence(analysis.sentences[order]?.text ?? ""),
  );
}

/** The meeting's top keywords, as spoken. */
export function meetingKeywords(analysis: Analysis, limit: number): string[] {
  return topKeywords(analysis.salience, 0, analysis.sentences.length, limit).map((term) =>
    analysis.salience.surface(term),
  );
}

/** A title: the meeting's three top keywords ("Pricing, onboarding and churn"), else the first decision. */
export function titleOf(analysis: Analysis): string {
  const keywords = meetingKeywords(analysis, 3);
  if (keywords.length > 0) return capitalise(joinList(keywords));
  const decision = analysis.decisions[0]?.text;
  return decision ? decision.replace(/[.!]+$/, "") : "Meeting notes";
}

/** "Send the deck — Bob"; items without an owner are the team's. */
export function actionLine(item: { item: string; owner: string | null }): string {
  return `${item.item} — ${item.owner ?? "unassigned"}`;
}

/** "Alice, Bob and Carol"; long lists end in "and N others". */
export function people(names: readonly string[]): string {
  if (names.length === 0) return "The participants";
  if (names.length > 6) return `${names.slice(0, 5).join(", ")} and ${names.length - 5} others`;
  return joinList(names);
}
