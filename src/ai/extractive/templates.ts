import { SUMMARY_TEMPLATE_HEADINGS, type SummaryHeading, type SummaryTemplate } from "../generations";

/**
 * How the offline provider fills one section of a template. `cues` sections collect the sentences whose wording
 * fits them best (a sentence goes to the one section whose cues it matches most, ties to the earlier); `topics`
 * lists the meeting's topic headings; `topicPoints` each topic's salient sentences, prefixed by the topic;
 * `questions` the questions asked; `actions` the action items; `overview` who met about what, and the decisions.
 * `withActions` puts the action items first.
 */
export interface SectionSpec {
  source: "cues" | "topics" | "topicPoints" | "questions" | "actions" | "overview";
  cues?: RegExp;
  withActions?: boolean;
  /** Whose words the section reports: the patient's (history, symptoms) or the clinician's (findings, plan). */
  voice?: "patient" | "clinician";
}

/** The templates filled section by section; General Narrative is written as prose (`summary.ts`). */
export type SectionedTemplate = Exclude<SummaryTemplate, "General Narrative">;

const SUBJECTIVE =
  /\b(?:i(?:['’]ve| have)? (?:been|felt|feel|noticed|had)|i(?:['’]m| am) (?:feeling|having|getting)|my (?:\w+ )?(?:pain|head|chest|back|stomach|throat|sleep|knee|symptoms?)|hurts?|aches?|aching|pain(?:ful)?|worse|dizzy|tired|nause\w*|cough\w*|fever|complain\w*|symptoms?|trouble (?:sleeping|breathing)|can['’]t sleep|numb(?:ness)?|tingl\w*|pins and needles|burning|shooting|stiff(?:ness)?)\b/gi;
const OBJECTIVE =
  /\b(?:blood pressure|bp|heart rate|pulse|temperature|oxygen|saturation|weight|bmi|exam(?:ination)?|examined|on exam|auscultat\w*|lungs?|tender(?:ness)?|swelling|swollen|rash|reflex(?:es)?|sensation|strength|straight leg raise|positive|negative|range of motion|x-?rays?|ct scan|labs?|blood (?:work|tests?)|results?|\d+(?:\.\d+)? ?(?:mmhg|bpm|kg|lbs?|degrees|percent|%))/gi;
const ASSESSMENT =
  /\b(?:diagnos\w*|assessment|impression|consistent with|suggests|most likely|likely|looks like|sounds like|rule out|differential|i suspect|indicat\w*|infection|strain|sprain|condition|sciatica|herniat\w*|disc|nerve root|this is (?:most )?(?:likely|probably))\b/gi;
const PLAN =
  /\b(?:prescri\w*|take (?:\w+ )?(?:twice|once|daily|every)|\d+ ?mg|milligrams?|dose|dosage|mri|scan|start (?:you )?on|refer\w*|recommend\w*|plan|should (?:try|avoid|rest|take)|avoid|rest(?! of)|physio\w*|therapy|order (?:a|some)|come back|follow[- ]up|i(?:['’]ll| will)|we(?:['’]ll| will))\b/gi;
const CHIEF_COMPLAINT =
  /\b(?:(?:brings|brought) you in|here (?:for|because|about)|main (?:concern|problem|issue|reason)|reason for (?:the |your )?visit|came in|coming in|what(?:['’]s| is) going on|chief complaint)\b/gi;
const HISTORY =
  /\b(?:since|started|began|for (?:the )?(?:past|last) \w+|\w+ (?:days?|weeks?|months?|years?) ago|gets? worse|comes and goes|constant|on and off|at night|in the morning|triggered|history|used to)\b/gi;
const MEDICATIONS =
  /\b(?:medications?|meds|ibuprofen|paracetamol|acetaminophen|aspirin|antibiotics?|inhaler|insulin|pills?|tablets?|supplements?|allerg\w*)\b/gi;
const FOLLOW_UP =
  /\b(?:follow[- ]up|come back|check (?:back|in)|in (?:\w+ )?(?:days?|weeks?|months?)|next (?:visit|appointment)|if (?:it|things|symptoms|the pain) (?:gets?|don['’]t|doesn['’]t)|call (?:us|me|the (?:office|clinic)))\b/gi;
const CONCEPTS =
  /\b(?:is defined as|definition|refers to|is called|known as|means|the (?:key|main|important|central|big) (?:idea|point|concept|thing)|concepts?|principles?|theory|theorem|law of|formula|equation|in other words|essentially|importantly|remember that|note that)\b/gi;
const EXAMPLES =
  /\b(?:for example|for instance|such as|e\.g\.|imagine|consider|suppose|let['’]s say|case study|an example|examples?)\b/gi;
const ASSIGNMENTS =
  /\b(?:homework|assignments?|reading|chapters?|due|exam|quiz|problem sets?|essay|submit|hand in|next (?:class|lecture|week|time)|prepare)\b/gi;
const DIFFICULTIES =
  /\b(?:(?:don['’]t|do not|didn['’]t) (?:understand|get|know)|confus\w*|struggl\w*|stuck|hard|difficult|tricky|not sure|lost|mistakes?|wrong|forgot|trouble)\b/gi;
const EXPLANATIONS =
  /\b(?:because|the reason|think of it|the trick|remember|that means|which means|steps?|first you|then you|the way to|rule|formula)\b/gi;
const PROGRESS =
  /\b(?:got it|makes sense|that['’]s right|correct|exactly|well done|good job|great job|nice work|better|improv\w*|understand now|i see|nailed)\b/gi;
const PRACTICE =
  /\b(?:practi[cs]e|homework|exercises?|try (?:a few|some|these|this)|next (?:session|time|week|lesson)|work on|worksheets?)\b/gi;

/** Every heading of every sectioned template has a spec: the type follows SUMMARY_TEMPLATE_HEADINGS. */
const TEMPLATES: { [T in SectionedTemplate]: Record<SummaryHeading<T>, SectionSpec> } = {
  "General Bulleted": {
    Overview: { source: "overview" },
    "Discussion Points": { source: "topicPoints" },
    "Questions Raised": { source: "questions" },
    "Next Steps": { source: "actions" },
  },
  SOAP: {
    Subjective: { voice: "patient", source: "cues", cues: SUBJECTIVE },
    Objective: { voice: "clinician", source: "cues", cues: OBJECTIVE },
    Assessment: { voice: "clinician", source: "cues", cues: ASSESSMENT },
    Plan: { voice: "clinician", source: "cues", cues: PLAN, withActions: true },
  },
  "Extended SOAP": {
    "Chief Complaint": { voice: "patient", source: "cues", cues: CHIEF_COMPLAINT },
    "History of Present Illness": { voice: "patient", source: "cues", cues: HISTORY },
    "Medications and Allergies": { source: "cues", cues: MEDICATIONS },
    Subjective: { voice: "patient", source: "cues", cues: SUBJECTIVE },
    Objective: { voice: "clinician", source: "cues", cues: OBJECTIVE },
    Assessment: { voice: "clinician", source: "cues", cues: ASSESSMENT },
    Plan: { voice: "clinician", source: "cues", cues: PLAN, withActions: true },
    "Follow-up": { source: "cues", cues: FOLLOW_UP },
  },
  "Educational Lecture": {
    "Topics Covered": { source: "topics" },
    "Key Concepts": { source: "cues", cues: CONCEPTS },
    Examples: { source: "cues", cues: EXAMPLES },
    "Questions Raised": { source: "questions" },
    "Assignments and Next Steps": { source: "cues", cues: ASSIGNMENTS, withActions: true },
  },
  "Educational Tutoring": {
    "Topics Reviewed": { source: "topics" },
    "Student Difficulties": { source: "cues", cues: DIFFICULTIES },
    Explanations: { source: "cues", cues: EXPLANATIONS },
    Progress: { source: "cues", cues: PROGRESS },
    "Practice and Next Steps": { source: "cues", cues: PRACTICE, withActions: true },
  },
};

/** A template's sections in the order of its headings, each with its heading. */
export function sectionSpecs(template: SectionedTemplate): (SectionSpec & { heading: string })[] {
  const specs: Record<string, SectionSpec> = TEMPLATES[template];
  return SUMMARY_TEMPLATE_HEADINGS[template].map((heading) => ({ heading, ...(specs[heading] as SectionSpec) }));
}

/** Clinicians by title; without one, the speaker who asks the most questions (clinicians take the history). */
const CLINICIAN_TITLE = /^(?:dr\.?|doctor|nurse|prof\.?|physician|clinician|therapist|np|pa)\b/i;

/** The speakers in a clinician's role, given each sentence's speaker and whether it asks something. */
export function clinicians(sentences: readonly { speaker: string; asks: boolean }[]): Set<string> {
  const speakers = new Set(sentences.map((sentence) => sentence.speaker));
  const titled = [...speakers].filter((speaker) => CLINICIAN_TITLE.test(speaker));
  if (titled.length > 0 || speakers.size < 2) return new Set(titled);
  const questions = new Map<string, number>();
  for (const sentence of sentences) {
    if (sentence.asks) questions.set(sentence.speaker, (questions.get(sentence.speaker) ?? 0) + 1);
  }
  const [asker] = [...questions].sort((a, b) => b[1] - a[1]);
  return new Set(asker ? [asker[0]] : []);
}

/**
 * The index of the cue section a sentence fits best (most cue matches, ties to the earlier), or -1. `voice`
 * says whose sentence it is (when the template cares): a patient's sentence never goes to a clinician's section.
 */
export function classify(
  text: string,
  sections: readonly SectionSpec[],
  voice: "patient" | "clinician" | null = null,
): number {
  let best = -1;
  let bestCount = 0;
  sections.forEach((section, i) => {
    if (section.source !== "cues" || !section.cues) return;
    if (voice !== null && section.voice !== undefined && section.voice !== voice) return;
    const count = text.match(section.cues)?.length ?? 0;
    if (count > bestCount) {
      best = i;
      bestCount = count;
    }
  });
  return best;
}
