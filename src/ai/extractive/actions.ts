import type { NameGuesser } from "./names";
import { isQuestion, type Sentence } from "./sentences";
import { allMatches, capitalise } from "./text";

export type Priority = "high" | "medium" | "low";

/** A commitment found in the transcript. */
export interface ActionItem {
  item: string;
  /** Who committed: the person named as subject, else the speaker (SPEC §6.1). */
  owner: string | null;
  priority: Priority;
  /** 0–1: how explicitly the sentence commits (an "action item:" label more than a "let's"). */
  confidence: number;
  sentence: Sentence;
}

/** A capitalised word with a lower-case letter ("Bob", "O'Brien"; not "CFO"), optionally two of them. */
const NAME_WORD = String.raw`\p{Lu}(?=[\p{L}'’-]*\p{Ll})[\p{L}'’-]+`;
const NAME = `${NAME_WORD}(?: ${NAME_WORD})?`;

/**
 * A cue that opens a commitment. `owner` decides who owns it: the named subject ("Bob will …", "action item:
 * Bob to …"), else the speaker (SPEC §6.1) — also for "we need to …" and "let's …", which the speaker proposes
 * (`group` marks those: they are weaker, and an "if" before them is common).
 */
interface Cue {
  pattern: RegExp;
  owner: "speaker" | "named" | "group" | "label";
  confidence: number;
  /** Predicates that follow the cue without being a commitment ("I'll be honest", "let's move on"). */
  notAfter?: RegExp;
}

const LABEL_SUBJECT = /^(?<name>\p{Lu}[\p{L}'’-]+) (?:to|should|needs to|has to)\s+/u;

const CUES: Cue[] = [
  {
    pattern: /\b(?:action items?|next steps?|follow[- ]ups?)(?: for (?<name>\p{Lu}[\p{L}'’-]+))?\s*(?::|-|–|—)\s*/giu,
    owner: "label",
    confidence: 0.9,
  },
  { pattern: /\b(?:TODO|To-?do)\b\s*(?::|-|–|—)?\s*/gu, owner: "label", confidence: 0.85 },
  {
    pattern: /\bI(?: will|['’]ll| am going to|['’]m going to|['’]m gonna| can take care of| have to)\s+/giu,
    owner: "speaker",
    confidence: 0.8,
    notAfter:
      /^(?:be(?! (?:sending|doing|handling|working|taking|preparing|drafting|writing|reaching|following|responsible|in charge|owning))|say|admit|tell you|bet|guess|give you|never|not|just say|see you|talk to you|leave it|stop|hand (?:it )?(?:over|back)|pass it|turn it over|start with|kick (?:it |things )?off|go first|let you go|be honest|be brief|share (?:my|the) screen|remember|never forget|leave|go|run|drop off|jump off|head out|end up|regret|just (?:move|live|quit|retire|run away|give up|cry)|press|lift|touch|examine|listen to|feel|check your|look at your|ask you|show you|click|stop sharing)\b/i,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?<name>${NAME})(?: and (?<other>${NAME}))?(?: will|['’]ll| is going to|['’]s going to| is gonna| needs to| has to)\s+`,
      "gu",
    ),
    owner: "named",
    confidence: 0.8,
    notAfter:
      /^(?:be(?! (?:sending|doing|handling|working|taking|preparing|drafting|responsible|in charge))|not|never|probably be|like|love|hate|kill|laugh|cry|want|wonder|say|think|look at|keep|end up|regret|complain|crash|break|fail|stop|throw|reject)\b/i,
  },
  {
    pattern: /\b(?:we need to|we have to|we must|we['’]ve got to|we gotta|we['’]ll need to|we will need to)\s+/giu,
    owner: "group",
    confidence: 0.6,
    notAfter: /^(?:be|talk about|remember|think about it|wrap up|move on|keep in mind)\b/i,
  },
  {
    pattern: /\b(?:let['’]s|let us)\s+/giu,
    owner: "group",
    confidence: 0.5,
    notAfter:
      /^(?:see|move on|move to|come back|start|begin|get started|talk|discuss|go (?:back|over|through|around|ahead|with)|look at|take a look|recap|wrap|dive|jump|switch|turn to|continue|focus|hear|do a quick|not|be honest|say|think|keep going|get into|skip|pause|pick up|get going|kick off|review|chat|call it|summari[sz]e)\b/i,
  },
];

/** A cheap test that a sentence holds a word every cue needs; most sentences do not, and skip the cues. */
const MAY_COMMIT =
  /\b(?:will|ll|going|gonna|need|needs|have|has|must|got|gotta|let|us|action|next|follow|todo|to-do|can)\b/i;

const HIGH =
  /\b(?:urgent(?:ly)?|asap|a\.s\.a\.p|as soon as possible|immediately|right away|today|tonight|tomorrow|end of (?:the )?day|eod|critical|blocker|blocking|top priority|high priority|first thing|right now)\b/i;
const LOW =
  /\b(?:eventually|some ?day|no rush|not urgent|low priority|nice to have|at some point|when you (?:get|have) (?:a )?(?:chance|time)|if (?:we|you) (?:have|get) time|later on|down the road|whenever)\b/i;
const DEADLINE = /\b(?:by|before|until|due)\b|\b(?:monday|tuesday|wednesday|thursday|friday|next week)\b/i;
const HEDGE = /\b(?:maybe|probably|might|perhaps|possibly|try to|i think|i guess|hopefully|if (?:i|we) can)\b/i;

/** high for urgency words (urgent, asap, today, tomorrow, EOD…), low for "no rush" words, medium otherwise. */
export function priorityOf(sentence: string): Priority {
  if (HIGH.test(sentence)) return "high";
  if (LOW.test(sentence)) return "low";
  return "medium";
}

interface Match {
  at: number;
  end: number;
  cue: Cue;
  owner: string | null;
}

function ownerOf(cue: Cue, groups: Record<string, string | undefined>, sentence: Sentence): string | null {
  if (cue.owner === "speaker" || cue.owner === "group") return sentence.speaker;
  if (cue.owner === "named") return groups.other ? `${groups.name} and ${groups.other}` : (groups.name ?? null);
  return groups.name ?? sentence.speaker;
}

/** A condition or supposition earlier in the sentence: "if we need to …", "suppose I'll …" commit nobody. */
export const HYPOTHETICAL = /\b(?:if|suppose|supposing|imagine|unless|in case|hypothetically|whether)\b/i;
/** Someone else's words reported: "he keeps saying I'll …", "she told me I'll …". */
const REPORTED =
  /\b(?:says?|said|saying|tells? (?:me|us|him|her|them|everyone)|told (?:me|us|him|her|them|everyone)|thinks?|thought|claims?|claimed|worried)(?: that)?[\s,:]*["“]?\s*$/i;
/** Laughter or a disclaimer: a joke commits nobody ("I'll move to a farm, ha ha"). */
const JOKE = /\b(?:ha(?:[\s,]+ha)*|haha+|lol|just kidding|kidding|joking)\b|[([](?:laughs?|laughter)[)\]]/i;
/** "your CFO", "the Manager": a role after a determiner is not a person's name. */
const DETERMINER_BEFORE = /\b(?:your|our|my|their|his|her|its|the|a|an)\s+$/i;

/** Whether `at` is inside a quotation ("…" or “…”): quoted words are someone else's, not a commitment. */
export function quoted(text: string, at: number): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    const c = text[i];
    if (c === '"') inside = !inside;
    else if (c === "“") inside = true;
    else if (c === "”") inside = false;
  }
  return inside;
}

/** A cue undone by its context: quoted, reported, or after a condition. */
export function undone(text: string, at: number): boolean {
  const before = text.slice(0, at);
  return quoted(text, at) || REPORTED.test(before) || HYPOTHETICAL.test(before);
}

function findCues(sentence: Sentence, names: NameGuesser): Match[] {
  const matches: Match[] = [];
  for (const cue of CUES) {
    for (const match of allMatches(cue.pattern, sentence.text)) {
      const groups = match.groups ?? {};
      let at = match.index;
      if (cue.owner === "named") {
        const [first = "", second] = groups.name?.split(" ") ?? [];
        const parts = second === undefined ? [first] : [first, second];
        // "So Priya will …": a capitalised word before the name is not part of it.
        if (second !== undefined && !names.isName(first) && names.isName(second)) {
          groups.name = second;
          at += first.length + 1;
        } else if (!parts.every((part) => names.isName(part))) continue;
        if (DETERMINER_BEFORE.test(sentence.text.slice(0, at))) continue;
        if (groups.other && !groups.other.split(" ").every((part) => names.isName(part))) continue;
      }
      if (cue.owner === "label" && groups.name && !names.isName(groups.name)) continue;
      let end = match.index + match[0].length;
      let owner = ownerOf(cue, groups, sentence);
      if (cue.owner === "label") {
        // "Action item: Bob to send the deck" names its owner after the label.
        const subject = LABEL_SUBJECT.exec(sentence.text.slice(end));
        if (subject?.groups?.name && names.isName(subject.groups.name)) {
          owner = subject.groups.name;
          end += subject[0].length;
        }
      }
      if (cue.notAfter?.test(sentence.text.slice(end))) continue;
      if (cue.owner !== "label" && undone(sentence.text, at)) continue;
      matches.push({ at, end, cue, owner });
    }
  }
  matches.sort((a, b) => a.at - b.at || b.end - a.end);
  const kept: Match[] = [];
  for (const match of matches) {
    const last = kept.at(-1);
    if (last && match.at < last.end) continue;
    // A labelled item names its own subject: "Action item: Bob will send it" is one item, Bob's.
    if (last && last.cue.owner === "label" && sentence.text.slice(last.end, match.at).trim() === "") {
      kept[kept.length - 1] = { ...match, cue: { ...match.cue, confidence: last.cue.confidence } };
      continue;
    }
    kept.push(match);
  }
  return kept;
}

/** Where a commitment's own clause ends: its reasons and asides are not part of the item. */
const CLAUSE_END =
  /,\s+(?:because|so(?! that)|since|otherwise|but|which|while|and then|and (?:he|she|they|we|I)(?:['’]ll| will))\b|\s+—\s+|[;"“]/i;

function predicate(text: string): string {
  const end = CLAUSE_END.exec(text);
  return (end ? text.slice(0, end.index) : text)
    .replace(/[\s,;:]*(?:\b(?:and|but|so|then)\s*)?$/i, "")
    .replace(/[.!?…"'”’\s]+$/, "")
    .trim();
}

/** The commitments of one sentence (several when it holds several: "I'll draft it and Bob will review it"). */
export function actionsInSentence(sentence: Sentence, names: NameGuesser): ActionItem[] {
  if (!MAY_COMMIT.test(sentence.text) || isQuestion(sentence.text) || JOKE.test(sentence.text)) return [];
  const matches = findCues(sentence, names);
  const items: ActionItem[] = [];
  matches.forEach((match, i) => {
    const until = matches[i + 1]?.at ?? sentence.text.length;
    const what = predicate(sentence.text.slice(match.end, until));
    const wordCount = what.split(/\s+/).filter(Boolean).length;
    if (wordCount < 2) return;
    let confidence = match.cue.confidence;
    if (DEADLINE.test(what)) confidence += 0.05;
    if (HEDGE.test(sentence.text)) confidence -= 0.2;
    if (wordCount <= 2) confidence -= 0.1;
    items.push({
      item: capitalise(what),
      owner: match.owner,
      priority: priorityOf(sentence.text),
      confidence: Math.round(Math.min(0.99, Math.max(0.05, confidence)) * 100) / 100,
      sentence,
    });
  });
  return items;
}

/** Every commitment in the meeting, in order, each (item, owner) once. */
export function extractActionItems(sentences: readonly Sentence[], names: NameGuesser): ActionItem[] {
  const seen = new Set<string>();
  const items: ActionItem[] = [];
  for (const sentence of sentences) {
    for (const item of actionsInSentence(sentence, names)) {
      const key = `${item.owner ?? ""}\u0000${item.item.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item);
    }
  }
  return items;
}
