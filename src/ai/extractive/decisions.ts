import { undone } from "./actions";
import { isQuestion, type Sentence } from "./sentences";
import { cleanSentence } from "./text";

/** Phrases that state a decision taken (not one pending: "have we decided?" is a question, so it is skipped). */
const DECISION =
  /\b(?:we(?:['’]ve| have)? decided|(?:we(?:['’]ve| have)?|everyone|all) agreed|it was (?:decided|agreed)|(?:we(?:['’]re| are)? )?agreed(?: on| that)?\s*:|decision(?: is)?\s*:|the decision (?:is|was)|final decision|we(?:['’]ll| will| are going to|['’]re going to|['’]re| are) go(?:ing)? with|let['’]s go with|we settled on|we(?:['’]re| are) settled on|we(?:['’]ve| have) chosen|we chose|we(?:['’]re| are) going ahead with|we(?:['’]ll| will) go ahead with)/i;

/**
 * Whether a sentence states a decision: not a question, and the phrase is not quoted ("they told us, \"we'll go
 * with …\""), reported ("he said we'll go with …") or supposed ("if we decided to …").
 */
export function isDecision(sentence: string): boolean {
  if (isQuestion(sentence)) return false;
  const match = DECISION.exec(sentence);
  return match !== null && !undone(sentence, match.index);
}

/** The decisions of the meeting, as their sentences (cleaned), in order, each once. */
export function extractDecisions(sentences: readonly Sentence[]): { text: string; sentence: Sentence }[] {
  const seen = new Set<string>();
  const said = new Set<string>();
  const decisions: { text: string; sentence: Sentence }[] = [];
  for (const sentence of sentences) {
    if (said.has(sentence.text) || !isDecision(sentence.text)) continue;
    said.add(sentence.text);
    const text = cleanSentence(sentence.text);
    const key = text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    decisions.push({ text, sentence });
  }
  return decisions;
}
