import type { GenerationOutput, PromptSegment } from "../generations";
import { type Analysis, actionLine, meetingKeywords } from "./analysis";
import { answerFrom, bestSegments } from "./query";
import type { Sentence } from "./sentences";
import { terms } from "./text";

const ASKS_DECISIONS = /\b(?:decid\w*|decisions?|agree\w*|settled|conclu\w*)\b/i;
const ASKS_ACTIONS =
  /\b(?:action items?|to-?dos?|next steps?|follow[- ]ups?|tasks?|who (?:will|is going to)|assign\w*)\b/i;
const MAX_SUGGESTIONS = 4;

/** Words that only say what kind of answer is wanted, not what it is about. */
const INTENT_TERMS = new Set(
  terms("decide decision decided agree agreed settled conclude action item todo next step follow up task assign"),
);

/**
 * The items whose sentence shares a topic word with the query ("who will send the deck?" → the deck items),
 * or all of them when the query names no topic or none matches.
 */
function relevant<T extends { sentence: Sentence }>(items: T[], query: string): T[] {
  const topic = new Set(terms(query).filter((term) => !INTENT_TERMS.has(term)));
  if (topic.size === 0) return items;
  const matching = items.filter((item) => terms(item.sentence.text).some((term) => topic.has(term)));
  return matching.length > 0 ? matching : items;
}

function segmentsOf(analysis: Analysis, items: { sentence: Sentence }[]): PromptSegment[] {
  return items.flatMap((item) => analysis.segments[item.sentence.segmentPosition] ?? []);
}

/**
 * Questions about the decisions or the action items are answered from those (each cited by its segment);
 * any other question by BM25 over the segments. No match: a response that says so, no citations.
 */
function respond(analysis: Analysis, query: string): { response: string; cited: PromptSegment[] } {
  if (ASKS_DECISIONS.test(query) && analysis.decisions.length > 0) {
    const decisions = relevant(analysis.decisions, query);
    const lines = decisions.map((decision) => `- ${decision.text} (${decision.sentence.speaker})`);
    return {
      response: ["Decisions made in the meeting:", ...lines].join("\n"),
      cited: segmentsOf(analysis, decisions),
    };
  }
  if (ASKS_ACTIONS.test(query) && analysis.actionItems.length > 0) {
    const items = relevant(analysis.actionItems, query);
    const lines = items.map((item) => `- ${actionLine(item)}`);
    return { response: ["Action items from the meeting:", ...lines].join("\n"), cited: segmentsOf(analysis, items) };
  }
  const cited = bestSegments(analysis.segments, query);
  return { response: answerFrom(query, cited), cited };
}

function suggestions(analysis: Analysis, query: string): string[] {
  const asked = new Set(terms(query));
  const out: string[] = [];
  if (analysis.decisions.length > 0 && !ASKS_DECISIONS.test(query)) out.push("What was decided?");
  if (analysis.actionItems.length > 0 && !ASKS_ACTIONS.test(query)) out.push("What are the action items?");
  for (const keyword of meetingKeywords(analysis, 8)) {
    if (out.length >= MAX_SUGGESTIONS) break;
    if (terms(keyword).some((term) => asked.has(term))) continue;
    out.push(`What was said about ${keyword}?`);
  }
  return out;
}

export function answerQuery(analysis: Analysis, query: string): GenerationOutput["query"] {
  const { response, cited } = respond(analysis, query);
  const citedSegmentIndexes = [...new Set(cited.map((segment) => segment.index))];
  return { response, citedSegmentIndexes, suggestedQueries: suggestions(analysis, query) };
}
