import { isQuestion, type Sentence } from "./sentences";
import { termOf, words } from "./text";

/** Term statistics of one transcript and the salience of each of its sentences (TF-IDF over sentences). */
export interface Salience {
  sentences: readonly Sentence[];
  /** Content-word stems of each sentence, by `order`. */
  terms: readonly string[][];
  /** Inverse sentence frequency of each stem. */
  idf: ReadonlyMap<string, number>;
  /** How often each stem occurs in the whole meeting. */
  counts: ReadonlyMap<string, number>;
  /** Salience of each sentence, by `order`. */
  scores: readonly number[];
  /** The most frequent spelling of a stem, for headings and suggested queries. */
  surface(term: string): string;
}

/** Words below this count make a sentence too thin to quote on its own ("Sounds good."). */
const MIN_QUOTABLE_WORDS = 5;

/**
 * Scores sentences by the summed weight of their distinct terms (log meeting frequency × idf), normalised
 * softly by length so long sentences do not win by size alone; thin sentences and questions are damped.
 * Linear in the number of words.
 */
export function analyseSalience(sentences: readonly Sentence[]): Salience {
  const terms: string[][] = [];
  const counts = new Map<string, number>();
  const sentenceFrequency = new Map<string, number>();
  const spellings = new Map<string, Map<string, number>>();
  const wordCounts: number[] = [];
  const distinctTerms: Set<string>[] = [];
  for (const sentence of sentences) {
    const sentenceTerms: string[] = [];
    const sentenceWords = words(sentence.text);
    for (const word of sentenceWords) {
      const found = termOf(word);
      if (found === null) continue;
      const { base, term } = found;
      sentenceTerms.push(term);
      counts.set(term, (counts.get(term) ?? 0) + 1);
      const forms = spellings.get(term) ?? new Map<string, number>();
      spellings.set(term, forms);
      forms.set(base, (forms.get(base) ?? 0) + 1);
    }
    const distinct = new Set(sentenceTerms);
    for (const term of distinct) sentenceFrequency.set(term, (sentenceFrequency.get(term) ?? 0) + 1);
    distinctTerms.push(distinct);
    terms.push(sentenceTerms);
    wordCounts.push(sentenceWords.length);
  }
  const total = Math.max(1, sentences.length);
  const idf = new Map<string, number>();
  for (const [term, frequency] of sentenceFrequency) idf.set(term, Math.log(1 + total / frequency));
  const scores = sentences.map((sentence, order) => {
    const distinct = distinctTerms[order] ?? new Set<string>();
    let weight = 0;
    for (const term of distinct) weight += Math.log(1 + (counts.get(term) ?? 0)) * (idf.get(term) ?? 0);
    let score = weight / (1 + distinct.size) ** 0.6;
    if ((wordCounts[order] ?? 0) < MIN_QUOTABLE_WORDS) score *= 0.3;
    if (isQuestion(sentence.text)) score *= 0.7;
    return score;
  });
  const surface = (term: string): string => {
    const forms = spellings.get(term);
    if (!forms) return term;
    let best = term;
    let bestCount = 0;
    for (const [form, count] of forms) {
      if (count > bestCount) {
        best = form;
        bestCount = count;
      }
    }
    return best;
  };
  return { sentences, terms, idf, counts, scores, surface };
}

/**
 * The `limit` most salient of the given sentence orders, returned in meeting order; ties go to the earlier
 * sentence. Sentences with the same words are taken once.
 */
export function topSentences(salience: Salience, orders: Iterable<number>, limit: number): number[] {
  const ranked = [...orders].sort((a, b) => (salience.scores[b] ?? 0) - (salience.scores[a] ?? 0) || a - b);
  const picked: number[] = [];
  const seen = new Set<string>();
  for (const order of ranked) {
    if (picked.length >= limit) break;
    const key = (salience.terms[order] ?? []).join(" ");
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    picked.push(order);
  }
  return picked.sort((a, b) => a - b);
}

/**
 * The `limit` terms most characteristic of the sentences from `from` to `to` (exclusive): their count there ×
 * their idf in the meeting. Terms said more than once come first.
 */
export function topKeywords(salience: Salience, from: number, to: number, limit: number): string[] {
  const local = new Map<string, number>();
  for (let order = from; order < to; order++) {
    for (const term of salience.terms[order] ?? []) local.set(term, (local.get(term) ?? 0) + 1);
  }
  const byWeight = (entries: [string, number][]) =>
    entries
      .map(([term, count]) => ({ term, weight: count * (salience.idf.get(term) ?? 0) }))
      .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
      .map(({ term }) => term);
  const entries = [...local];
  const repeated = byWeight(entries.filter(([, count]) => count >= 2));
  const once = byWeight(entries.filter(([, count]) => count < 2));
  return [...repeated, ...once].slice(0, limit);
}
