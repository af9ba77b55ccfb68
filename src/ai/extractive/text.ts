/** Word-level text helpers of the extractive provider: tokens, stopwords, a light English stemmer, cleanup. */

const STOPWORD_LIST = `a about above after again against all also am an and any are aren as at be because been before
being below between both but by can cannot could couldn did didn do does doesn doing don down during each either else
ever every few for from further get gets getting got had hadn has hasn have haven having he her here hers herself him
himself his how i if in into is isn it its itself just let me might mine more most much must mustn my myself need
needs neither no nor not now of off on once only or other ought our ours ourselves out over own per quite rather
really same shall she should shouldn so some such than that the their theirs them themselves then there these they
this those though through to too under until up upon us very via was wasn we were weren what when where whether which
while who whom whose why will with within without won would wouldn yet you your yours yourself yourselves
okay ok yeah yes yep yup nope hey hi hello oh ah uh uhh um umm erm er hmm mm mhm huh wow like well right sure thing
things stuff gonna wanna gotta kind sort lot lots bit actually basically literally probably maybe perhaps definitely
anyway anyways pretty thanks thank please think thought know knew mean means meant guess say says said saying tell
told want wants wanted going go goes went come comes came make makes made take takes took see seen look looks good
great fine cool alright something anything everything nothing someone anyone everyone somebody anybody everybody one
ones two still even already again always never sometimes really yeah today tomorrow yesterday week weeks time times
way ways talk talking call let's lets i'm i've i'll i'd you're you've you'll we're we've we'll they're it's that's
there's what's don't doesn't didn't can't won't isn't aren't wasn't`;

/** Function words and conversational filler that carry no topic. */
export const STOPWORDS: ReadonlySet<string> = new Set(STOPWORD_LIST.split(/\s+/).filter(Boolean));

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower-cased words of a text, apostrophes normalised (`don’t` → `don't`). */
export function words(text: string): string[] {
  const lower = text.toLowerCase();
  const normalised = lower.includes("’") ? lower.replace(/’/g, "'") : lower;
  return normalised.match(WORD) ?? [];
}

const PRONOUN_CONTRACTIONS = /'(?:ll|re|ve|d|m|t)$/;

function undouble(word: string): string {
  const last = word.at(-1);
  return last && last === word.at(-2) && !"lsz".includes(last) ? word.slice(0, -1) : word;
}

/**
 * A light suffix-stripping stemmer (plural, -ing, -ed, -ly, final e): crude, but it maps "launch", "launches",
 * "launched" and "launching" to one term, which is all keyword counting and retrieval need.
 */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/'s$/, "").replace(/'/g, "");
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = undouble(w.slice(0, -3));
  else if (w.endsWith("ed") && w.length > 4) w = undouble(w.slice(0, -2));
  else if (w.endsWith("ly") && w.length > 5) w = w.slice(0, -2);
  if (w.endsWith("e") && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** A content word (not a stopword, not a bare number, not a pronoun contraction), or null. */
export function contentWord(word: string): string | null {
  if (PRONOUN_CONTRACTIONS.test(word)) return null;
  const base = word.replace(/'s$/, "");
  if (base.length < 3 || STOPWORDS.has(base) || !/\p{L}/u.test(base)) return null;
  return base;
}

/** A content word and its stem. */
export interface Term {
  base: string;
  term: string;
}

/**
 * Memoised per word: a meeting reuses a small vocabulary, and the regular expressions above are the cost of
 * long transcripts. The cache is isolate-wide (a pure function's results) and is emptied when it grows large.
 */
const TERM_CACHE = new Map<string, Term | null>();
const TERM_CACHE_LIMIT = 100_000;

/** The content word and stem of a lower-cased word, or null for stopwords and numbers. */
export function termOf(word: string): Term | null {
  let cached = TERM_CACHE.get(word);
  if (cached === undefined) {
    const base = contentWord(word);
    cached = base === null ? null : { base, term: stem(base) };
    if (TERM_CACHE.size >= TERM_CACHE_LIMIT) TERM_CACHE.clear();
    TERM_CACHE.set(word, cached);
  }
  return cached;
}

/** The stems of a text's content words, in order (repeats kept). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const found = termOf(word);
    if (found !== null) out.push(found.term);
  }
  return out;
}

const FILLERS = /(?:^|[\s,])(?:um+|uh+|erm|er|hmm+|mhm|you know)(?=[\s,.!?]|$),?/gi;
const LEADING_DISCOURSE = /^(?:(?:so|okay|ok|alright|all right|yeah|yes|and|but|anyway|now)\b[,\s]+)+/i;

/** A sentence as it is quoted in results: fillers and leading discourse markers removed, first letter capital. */
export function cleanSentence(text: string): string {
  const cleaned = text
    .replace(FILLERS, " ")
    .replace(/\s+/g, " ")
    .replace(/\s+([,.!?])/g, "$1")
    .trim();
  const trimmed = cleaned.replace(LEADING_DISCOURSE, "").replace(/^[,\s]+/, "");
  const result = trimmed.length >= 3 ? trimmed : cleaned;
  return capitalise(result);
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** `HH:MM:SS` of a time in seconds. */
export function clock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

/** Every match of a global expression; unlike `matchAll`, it does not copy the expression for each text. */
export function allMatches(pattern: RegExp, text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    found.push(match);
    if (match[0] === "") pattern.lastIndex++;
  }
  pattern.lastIndex = 0;
  return found;
}
