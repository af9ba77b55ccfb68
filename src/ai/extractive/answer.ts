import type { GenerationOutput, PromptSegment } from "../generations";
import { type Analysis, actionLine, meetingKeywords } from "./analysis";
import { answerFrom, bestSegments } from "./query";
import { terms } from "./text";

const ASKS_DECISIONS = /\b(?:decid\w*|decisions?|agree\w*|settled|conclu\w*)\b/i;
const ASKS_ACTIONS =
  /\b(?:action items?|to-?dos?|next steps?|follow[- ]ups?|tasks?|who (?:will|is going to)|assign\w*)\b/i;
const MAX_SUGGESTIONS = 4;

function segmentAt(analysis: Analysis, position: number): PromptSegment | undefined {
  return analysis.segments[position];
}

/**
 * Questions about the decisions or the action items are answered from those (each cited by its segment);
 * any other question by BM25 over the segments. No match: a response that says so, no citations.
 */
function respond(analysis: Analysis, query: string): { response: string; cited: PromptSegment[] } {
  if (ASKS_DECISIONS.test(query) && analysis.decisions.length > 0) {
    const cited = analysis.decisions.map((decision) => segmentAt(analysis, decision.sentence.segmentPosition));
    const lines = analysis.decisions.map((decision) => `- ${decision.text} (${decision.sentence.speaker})`);
    return { response: ["Decisions made in the meeting:", ...lines].join("\n"), cited: cited.filter((s) => !!s) };
  }
  if (ASKS_ACTIONS.test(query) && analysis.actionItems.length > 0) {
    const cited = analysis.actionItems.map((item) => segmentAt(analysis, item.sentence.segmentPosition));
    const lines = analysis.actionItems.map((item) => `- ${actionLine(item)}`);
    return { response: ["Action items from the meeting:", ...lines].join("\n"), cited: cited.filter((s) => !!s) };
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
