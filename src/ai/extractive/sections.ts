import { type Salience, topKeywords, topSentences } from "./salience";
import { capitalise, cleanSentence, joinList } from "./text";

/** A span of the meeting, sentences `from` to `to` (exclusive). */
export interface Span {
  from: number;
  to: number;
}

/** Sentences per block; the cohesion between neighbouring windows is measured at block boundaries. */
const BLOCK = 4;
/** Sentences on each side of a gap whose vocabularies are compared. */
const WINDOW = 12;
const MAX_SECTIONS = 8;
/** Below this many sentences a meeting is one section. */
const MIN_SECTION = 12;

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [term, count] of a) {
    normA += count * count;
    dot += count * (b.get(term) ?? 0);
  }
  for (const count of b.values()) normB += count * count;
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

function histogram(salience: Salience, from: number, to: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let order = from; order < to; order++) {
    for (const term of salience.terms[order] ?? []) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/**
 * Splits the meeting where the topic shifts (TextTiling-lite): at each block boundary, the cosine similarity of
 * the words just before and just after; a boundary whose similarity dips deepest below its neighbouring peaks
 * starts a new section. At most MAX_SECTIONS sections of at least MIN_SECTION sentences each; a meeting with no
 * clear dip but room for several sections is cut into equal spans instead. Linear in the number of words.
 */
export function topicSpans(salience: Salience): Span[] {
  const count = salience.sentences.length;
  const wanted = Math.min(MAX_SECTIONS, Math.floor(count / MIN_SECTION));
  if (wanted <= 1) return [{ from: 0, to: count }];
  const gaps: number[] = [];
  const similarity: number[] = [];
  for (let gap = BLOCK; gap < count; gap += BLOCK) {
    gaps.push(gap);
    const left = histogram(salience, Math.max(0, gap - WINDOW), gap);
    const right = histogram(salience, gap, Math.min(count, gap + WINDOW));
    similarity.push(cosine(left, right));
  }
  // The highest point reached climbing from each gap to each side (TextTiling's peaks), in two linear passes.
  const leftPeak: number[] = [];
  similarity.forEach((value, i) => {
    leftPeak[i] = i > 0 && (similarity[i - 1] ?? 0) >= value ? (leftPeak[i - 1] ?? value) : value;
  });
  const rightPeak: number[] = [];
  for (let i = similarity.length - 1; i >= 0; i--) {
    const value = similarity[i] ?? 0;
    rightPeak[i] = i < similarity.length - 1 && (similarity[i + 1] ?? 0) >= value ? (rightPeak[i + 1] ?? value) : value;
  }
  const depths = similarity.map((value, i) => (leftPeak[i] ?? value) - value + ((rightPeak[i] ?? value) - value));
  const mean = depths.reduce((sum, depth) => sum + depth, 0) / Math.max(1, depths.length);
  const spread = Math.sqrt(depths.reduce((sum, depth) => sum + (depth - mean) ** 2, 0) / Math.max(1, depths.length));
  const threshold = Math.max(0.1, mean + spread / 2);
  const minLength = Math.max(MIN_SECTION, Math.floor(count / (wanted * 3)));
  const candidates = depths
    .map((depth, i) => ({ depth, at: gaps[i] ?? 0 }))
    .filter(({ depth, at }) => depth >= threshold && at >= minLength && count - at >= minLength)
    .sort((a, b) => b.depth - a.depth || a.at - b.at);
  const cuts: number[] = [];
  for (const { at } of candidates) {
    if (cuts.length >= wanted - 1) break;
    if (cuts.every((cut) => Math.abs(cut - at) >= minLength)) cuts.push(at);
  }
  if (cuts.length === 0) {
    const size = Math.ceil(count / wanted);
    for (let at = size; at < count; at += size) cuts.push(at);
  }
  cuts.sort((a, b) => a - b);
  const bounds = [0, ...cuts, count];
  return bounds.slice(1).map((to, i) => ({ from: bounds[i] ?? 0, to }));
}

/** A heading from a span's top keywords: "Pricing, onboarding and churn". */
export function headingOf(salience: Salience, span: Span, fallback: string): string {
  const keywords = topKeywords(salience, span.from, span.to, 3).map((term) => salience.surface(term));
  return keywords.length > 0 ? capitalise(joinList(keywords)) : fallback;
}

/** Sections of the meeting: a heading per topic span and its most salient sentences as points. */
export function topicSections(salience: Salience, pointsPerSection = 4): { heading: string; points: string[] }[] {
  return topicSpans(salience).map((span, i) => {
    const orders = Array.from({ length: span.to - span.from }, (_, k) => span.from + k);
    const points = topSentences(salience, orders, pointsPerSection).map((order) =>
      cleanSentence(salience.sentences[order]?.text ?? ""),
    );
    return { heading: headingOf(salience, span, `Part ${i + 1}`), points };
  });
}
