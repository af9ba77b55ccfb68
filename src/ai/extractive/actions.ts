import type { NameGuesser } from "./names";
import { isQuestion, type Sentence } from "./sentences";
import { allMatches, capitalise } from "./text";

export type Priority = "high" | "medium" | "low";

/** A commitment found in the transcript. */
export interface ActionItem {
  item: string;
  /** Who committed, or null for the team ("we need to …", "let's …"). */
  owner: string | null;
  priority: Priority;
  /** 0–1: how explicitly the sentence commits (an "action item:" label more than a "let's"). */
  confidence: number;
  sentence: Sentence;
}

const NAME = String.raw`\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+)?`;

/**
 * A cue that opens a commitment. `owner` decides who owns it: the speaker ("I'll …"), the named subject
 * ("Bob will …"), or nobody. We decided that "we need to …" and "let's …" have no owner (null): they commit the
 * group, and naming whoever happened to say it would invent an assignment. Labelled items ("action item: …",
 * "TODO …") without a named subject go to the speaker, who raised them (SPEC §6.1's "else the speaker").
 */
interface Cue {
  pattern: RegExp;
  owner: "speaker" | "named" | "none" | "label";
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
      /^(?:be(?! (?:sending|doing|handling|working|taking|preparing|drafting|writing|reaching|following|responsible|in charge|owning))|say|admit|tell you|bet|guess|give you|never|not|just say|see you|talk to you|leave it|stop|hand (?:it )?(?:over|back)|pass it|turn it over|start with|kick (?:it |things )?off|go first|let you go|be honest|be brief|share (?:my|the) screen|remember|never forget|leave|go|run|drop off|jump off|head out)\b/i,
  },
  {
    pattern: new RegExp(
      String.raw`\b(?<name>${NAME})(?: and (?<other>${NAME}))?(?: will|['’]ll| is going to|['’]s going to| is gonna| needs to| has to)\s+`,
      "gu",
    ),
    owner: "named",
    confidence: 0.8,
    notAfter:
      /^(?:be(?! (?:sending|doing|handling|working|taking|preparing|drafting|responsible|in charge))|not|never|probably be|like|love|say|think)\b/i,
  },
  {
    pattern: /\b(?:we need to|we have to|we must|we['’]ve got to|we gotta|we['’]ll need to|we will need to)\s+/giu,
    owner: "none",
    confidence: 0.6,
    notAfter: /^(?:be|talk about|remember|think about it|wrap up|move on|keep in mind)\b/i,
  },
  {
    pattern: /\b(?:let['’]s|let us)\s+/giu,
    owner: "none",
    confidence: 0.5,
    notAfter:
      /^(?:see|move on|move to|start|begin|get started|talk|discuss|go (?:back|over|through|around|ahead|with)|look at|take a look|recap|wrap|dive|jump|switch|turn to|continue|focus|hear|do a quick|not|be honest|say|think|keep going|get into|skip|pause|pick up|get going|kick off|review|chat|call it|summari[sz]e)\b/i,
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
  if (cue.owner === "speaker") return sentence.speaker;
  if (cue.owner === "none") return null;
  if (cue.owner === "named") return groups.other ? `${groups.name} and ${groups.other}` : (groups.name ?? null);
  return groups.name ?? sentence.speaker;
}

function findCues(sentence: Sentence, names: NameGuesser): Match[] {
  const matches: Match[] = [];
  for (const cue of CUES) {
    for (const match of allMatches(cue.pattern, sentence.text)) {
      const groups = match.groups ?? {};
      if (cue.owner === "named") {
        if (!groups.name?.split(" ").every((part) => names.isName(part))) continue;
        if (groups.other && !groups.other.split(" ").every((part) => names.isName(part))) continue;
      }
      if (cue.owner === "label" && groups.name && !names.isName(groups.name)) continue;
      const at = match.index;
      let end = at + match[0].length;
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
      if (cue.owner === "none" && /\bif\s+$/i.test(sentence.text.slice(0, at))) continue;
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

function predicate(text: string): string {
  return text
    .replace(/[\s,;:]*(?:\b(?:and|but|so|then)\s*)?$/i, "")
    .replace(/[.!?…"'”’\s]+$/, "")
    .trim();
}

/** The commitments of one sentence (several when it holds several: "I'll draft it and Bob will review it"). */
export function actionsInSentence(sentence: Sentence, names: NameGuesser): ActionItem[] {
  if (!MAY_COMMIT.test(sentence.text) || isQuestion(sentence.text)) return [];
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
