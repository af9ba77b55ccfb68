import type { Sentence } from "./sentences";
import { STOPWORDS } from "./text";

const NOT_NAMES = new Set(
  `monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
  september october november december this that these those there here it he she they we you who what which where
  when why how everything everyone everybody nothing nobody someone somebody anyone anybody something anything
  each every all both none some most many few another other team everyone's whoever whatever`.split(/\s+/),
);

/**
 * Tells person names from other capitalised words. A word is a name when it is part of a participant's name,
 * or when it is capitalised, not a function word, and never written in lower case anywhere in the transcript
 * ("Pricing will change" starts with a capital, but "pricing" appears elsewhere, so it is not a person).
 */
export interface NameGuesser {
  isName(word: string): boolean;
}

export function nameGuesser(sentences: readonly Sentence[]): NameGuesser {
  const participantWords = new Set<string>();
  const speakers = new Set<string>();
  for (const sentence of sentences) {
    if (speakers.has(sentence.speaker)) continue;
    speakers.add(sentence.speaker);
    for (const part of sentence.speaker.split(/\s+/)) participantWords.add(part.toLowerCase());
  }
  // Built on first need: most meetings name their participants, and this pass reads every word.
  let lowerCaseWords: Set<string> | null = null;
  const writtenInLowerCase = (word: string): boolean => {
    if (lowerCaseWords === null) {
      const found = new Set<string>();
      for (const sentence of sentences) {
        for (const match of sentence.text.matchAll(/(?<![\p{L}'’])\p{Ll}[\p{L}]*/gu)) found.add(match[0]);
      }
      lowerCaseWords = found;
    }
    return lowerCaseWords.has(word);
  };
  return {
    isName(word: string): boolean {
      const lower = word.toLowerCase();
      if (participantWords.has(lower)) return true;
      if (!/^\p{Lu}/u.test(word) || STOPWORDS.has(lower) || NOT_NAMES.has(lower)) return false;
      return !writtenInLowerCase(lower);
    },
  };
}
