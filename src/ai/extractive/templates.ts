import type { SummaryTemplate } from "../generations";

/**
 * One section of a template. `cues` sections collect the sentences whose wording fits them best (a sentence goes
 * to the one section whose cues it matches most, ties to the earlier); `topics` lists the meeting's topic
 * headings; `questions` the questions asked. `withActions` puts the action items first.
 */
export interface SectionSpec {
  heading: string;
  source: "cues" | "topics" | "questions";
  cues?: RegExp;
  withActions?: boolean;
  /** Whose words the section reports: the patient's (history, symptoms) or the clinician's (findings, plan). */
  voice?: "patient" | "clinician";
}

/** A template's sections; `topicSections` templates use the meeting's topics as headings instead. */
export interface TemplateSpec {
  topicSections: boolean;
  sections: SectionSpec[];
}

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

export const TEMPLATES: Record<SummaryTemplate, TemplateSpec> = {
  "General Bulleted": {
    topicSections: true,
    sections: [{ heading: "Questions raised", source: "questions" }],
  },
  "General Narrative": { topicSections: false, sections: [] },
  SOAP: {
    topicSections: false,
    sections: [
      { heading: "Subjective", voice: "patient", source: "cues", cues: SUBJECTIVE },
      { heading: "Objective", voice: "clinician", source: "cues", cues: OBJECTIVE },
      { heading: "Assessment", voice: "clinician", source: "cues", cues: ASSESSMENT },
      { heading: "Plan", voice: "clinician", source: "cues", cues: PLAN, withActions: true },
    ],
  },
  "Extended SOAP": {
    topicSections: false,
    sections: [
      { heading: "Chief Complaint", voice: "patient", source: "cues", cues: CHIEF_COMPLAINT },
      { heading: "History of Present Illness", voice: "patient", source: "cues", cues: HISTORY },
      { heading: "Medications and Allergies", source: "cues", cues: MEDICATIONS },
      { heading: "Subjective", voice: "patient", source: "cues", cues: SUBJECTIVE },
      { heading: "Objective", voice: "clinician", source: "cues", cues: OBJECTIVE },
      { heading: "Assessment", voice: "clinician", source: "cues", cues: ASSESSMENT },
      { heading: "Plan", voice: "clinician", source: "cues", cues: PLAN, withActions: true },
      { heading: "Follow-up", source: "cues", cues: FOLLOW_UP },
    ],
  },
  "Educational Lecture": {
    topicSections: false,
    sections: [
      { heading: "Topics Covered", source: "topics" },
      { heading: "Key Concepts", source: "cues", cues: CONCEPTS },
      { heading: "Examples", source: "cues", cues: EXAMPLES },
      { heading: "Questions Raised", source: "questions" },
      { heading: "Assignments and Next Steps", source: "cues", cues: ASSIGNMENTS, withActions: true },
    ],
  },
  "Educational Tutoring": {
    topicSections: false,
    sections: [
      { heading: "Topics Reviewed", source: "topics" },
      { heading: "Student Difficulties", source: "cues", cues: DIFFICULTIES },
      { heading: "Explanations", source: "cues", cues: EXPLANATIONS },
      { heading: "Progress", source: "cues", cues: PROGRESS },
      { heading: "Practice and Next Steps", source: "cues", cues: PRACTICE, withActions: true },
    ],
  },
};

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
