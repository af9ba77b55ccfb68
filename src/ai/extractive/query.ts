import type { PromptSegment } from "../generations";
import { clock, terms } from "./text";

const K1 = 1.2;
const B = 0.75;
/** Segments scoring below this share of the best one are not cited. */
const RELATIVE_CUTOFF = 0.5;
const MAX_CITED = 3;
const QUESTION_DAMPING = 0.5;

export interface RankedSegment {
  segment: PromptSegment;
  score: number;
}

/**
 * Okapi BM25 of the query's content-word stems over the segments, best first (ties in meeting order).
 * Segments that share no stem with the query are not returned. One pass over the transcript's words.
 */
export function rankSegments(segments: readonly PromptSegment[], query: string): RankedSegment[] {
  const queryTerms = [...new Set(terms(query))];
  if (queryTerms.length === 0 || segments.length === 0) return [];
  const wanted = new Set(queryTerms);
  const lengths: number[] = [];
  const frequencies: (Map<string, number> | null)[] = [];
  const documentFrequency = new Map<string, number>();
  for (const segment of segments) {
    const segmentTerms = terms(segment.text);
    lengths.push(segmentTerms.length);
    let found: Map<string, number> | null = null;
    for (const term of segmentTerms) {
      if (!wanted.has(term)) continue;
      found ??= new Map();
      found.set(term, (found.get(term) ?? 0) + 1);
    }
    frequencies.push(found);
    if (found) for (const term of found.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const count = segments.length;
  const averageLength = Math.max(1, lengths.reduce((sum, length) => sum + length, 0) / count);
  const ranked: RankedSegment[] = [];
  frequencies.forEach((found, position) => {
    if (!found) return;
    const length = lengths[position] ?? 0;
    let score = 0;
    for (const [term, frequency] of found) {
      const df = documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
      score += (idf * frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * length) / averageLength));
    }
    const segment = segments[position] as PromptSegment;
    // A segment that only asks ("And the annual plan?") shares the question's words but rarely answers it.
    if (/\?["'”’)\]]*$/.test(segment.text.trim()) && !/[.!](?:\s|$)/.test(segment.text)) score *= QUESTION_DAMPING;
    ranked.push({ segment, score });
  });
  return ranked.sort(
    (a, b) => b.score - a.score || a.segment.start - b.segment.start || a.segment.index - b.segment.index,
  );
}

/** The segments worth citing for a query: the best few, close in score to the best, in meeting order. */
export function bestSegments(segments: readonly PromptSegment[], query: string): PromptSegment[] {
  const ranked = rankSegments(segments, query);
  const best = ranked[0]?.score ?? 0;
  return ranked
    .filter(({ score }) => score >= best * RELATIVE_CUTOFF)
    .slice(0, MAX_CITED)
    .map(({ segment }) => segment)
    .sort((a, b) => a.start - b.start || a.index - b.index);
}

/** An answer quoting the cited segments, or saying that nothing matches. */
export function answerFrom(query: string, cited: readonly PromptSegment[]): string {
  if (cited.length === 0) {
    return `The transcript does not appear to discuss "${query.trim()}": no passage matches the question's words.`;
  }
  const quotes = cited.map((segment) => `${segment.speaker} (${clock(segment.start)}): "${segment.text.trim()}"`);
  const lead =
    cited.length === 1
      ? "The most relevant passage of the transcript:"
      : `The ${cited.length} most relevant passages of the transcript:`;
  return [lead, ...quotes].join("\n");
}
