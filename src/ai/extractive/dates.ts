import { quoted } from "./actions";
import { isQuestion, type Sentence } from "./sentences";
import { allMatches, cleanSentence } from "./text";

const MONTH =
  "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
const DAY = String.raw`(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?`;
const YEAR = String.raw`(?:,? \d{4})?`;
const WEEKDAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";

/**
 * Date expressions, as written: ISO dates, "March 3(rd)(, 2026)", "3(rd) (of) March", numeric "3/3(/2026)",
 * weekdays (with "next"/"this"/"last", which change their meaning), and a few relative deadlines.
 */
const DATE = new RegExp(
  [
    String.raw`\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b`,
    String.raw`\b${MONTH}\.? ${DAY}\b${YEAR}`,
    String.raw`\b${DAY} (?:of )?${MONTH}\b${YEAR}`,
    String.raw`(?<![\d/.])(?:1[0-2]|0?[1-9]|[12]\d|3[01])/(?:[12]\d|3[01]|0?[1-9])(?:/(?:\d{4}|\d{2}))?(?![\d/])`,
    String.raw`\b(?:(?:next|this|last|coming) )?${WEEKDAY}\b`,
    String.raw`\b(?:tomorrow|next (?:week|month|quarter)|end of (?:the )?(?:week|month|quarter|year))\b`,
  ].join("|"),
  "gi",
);

/** A cheap test for something date-like; most sentences have none and skip the expression above. */
const MAY_DATE = /\d|day|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|tomorrow|next|end of/i;

const NOT_DATES = new Set(["24/7"]);
/** "See you tomorrow" and "have a good Friday" end a meeting; they set no date. */
const FAREWELL = /\b(?:see you|talk (?:to you )?|speak (?:to you )?|catch you|have a (?:good|great|nice)|happy)\s*$/i;

/** A day named without a date, as in "next Tuesday" or "tomorrow", as opposed to "March 3" or "2026-03-03". */
const RELATIVE =
  /^(?:(?:next|this|last|coming) )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)$|^(?:tomorrow|next |end of )/i;
/**
 * A sentence about the past: "it happened on Saturday", "we talked about it on Thursday". A weekday in it is
 * not an upcoming date (an explicit calendar date is kept: it may still be one).
 */
const PAST =
  /\b(?:was|were|happened|did|had|talked|said|told|went|came|forwarded|sent|asked|skipped|finished|started|ago|yesterday|last (?:week|time|month))\b/i;
/** Holidays and generic days, not dates: "Black Friday", "a Tuesday". */
const NOT_A_DAY_BEFORE = /\b(?:black|good|cyber|a|any|every other)\s+$/i;

/** The date expressions of one sentence, as written; none in questions ("is everyone fine with March 18?"). */
export function datesIn(text: string): string[] {
  const found: string[] = [];
  if (!MAY_DATE.test(text) || isQuestion(text)) return found;
  for (const match of allMatches(DATE, text)) {
    const date = match[0];
    if (NOT_DATES.has(date)) continue;
    // The modal verb: "we may 2x it" is not May 2nd (written dates capitalise the month).
    if (/\bmay\b/.test(date)) continue;
    const before = text.slice(0, match.index);
    if (FAREWELL.test(before) || NOT_A_DAY_BEFORE.test(before) || quoted(text, match.index)) continue;
    // "next week" in a sentence that reports someone's words is theirs, not a date of this meeting.
    if (RELATIVE.test(date) && (PAST.test(text) || /["“”]/.test(text))) continue;
    found.push(date);
  }
  return found;
}

/** Every date mentioned, with its sentence as the context, in meeting order; each (date, sentence) once. */
export function extractDates(sentences: readonly Sentence[]): { date: string; context: string }[] {
  const out: { date: string; context: string }[] = [];
  const seen = new Set<string>();
  const contexts = new Map<string, string>();
  for (const sentence of sentences) {
    const dates = datesIn(sentence.text);
    if (dates.length === 0) continue;
    const context = contexts.get(sentence.text) ?? cleanSentence(sentence.text);
    contexts.set(sentence.text, context);
    for (const date of dates) {
      const key = `${date.toLowerCase()}\u0000${context}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ date, context });
    }
  }
  return out;
}
