import {
  type GenerationInput,
  type GenerationKind,
  type PromptSegment,
  SUMMARY_TEMPLATE_HEADINGS,
  type SummaryTemplate,
} from "./generations";

/**
 * Every prompt Parley sends to a text model (SPEC §6.1: prompts are code, in one place). A prompt only ever
 * carries the one transcript it is about, with speaker renames already applied by the caller.
 */
export interface ChatPrompt {
  system: string;
  user: string;
}

/** The kinds a long transcript is summarised for map-reduce (SPEC §6.4). */
export type MapReduceKind = "summary" | "keypoints";

/**
 * What each summary template asks the model for, heading by heading (the headings themselves are
 * `SUMMARY_TEMPLATE_HEADINGS`, shared with the offline provider).
 */
export const SUMMARY_TEMPLATE_INSTRUCTIONS: Record<SummaryTemplate, string> = {
  "General Bulleted":
    "Summarise the meeting as short, factual bullet points a participant can scan in a minute: who met about " +
    "what and what they concluded (Overview); the points made, each prefixed by its topic as in " +
    '"Pricing: …" (Discussion Points); the questions asked (Questions Raised); who does what next (Next Steps).',
  "General Narrative":
    "Summarise the meeting as connected prose in the past tense, as minutes someone would circulate; each point " +
    "is a paragraph: who met and why (Background), what was said, topic by topic (Discussion), what was decided " +
    "and what happens next (Outcome).",
  SOAP:
    "This is a clinical encounter. Write a SOAP note: the patient's reported symptoms and history (Subjective), " +
    "measurable findings mentioned (Objective), the clinician's assessment or diagnosis (Assessment), and the " +
    "treatment, tests and follow-up agreed (Plan). Do not invent findings that were not said.",
  "Extended SOAP":
    "This is a clinical encounter. Write an extended SOAP note: why the patient came (Chief Complaint), the " +
    "course of the present illness, the medications taken and allergies mentioned, the symptoms reported " +
    "(Subjective), findings (Objective), assessment, plan, and when and why the patient should come back or call " +
    "(Follow-up). Do not invent findings that were not said.",
  "Educational Lecture":
    "This is a lecture. Summarise it as study notes: the topics covered, the key concepts with their " +
    "definitions, the examples used, the questions raised, and the assignments and what to prepare next.",
  "Educational Tutoring":
    "This is a tutoring session. Summarise the topics reviewed, where the student struggled, how the tutor " +
    "explained it, the progress made, and what to practise next.",
};

const BASE_SYSTEM =
  "You analyse transcripts of meetings for Parley. Each transcript line is `[index] [HH:MM:SS] Speaker: text`. " +
  "Use only what the transcript says; never invent people, facts, dates or numbers. Use speakers' names exactly " +
  "as written. Answer with JSON matching the given schema and nothing else.";

/** `HH:MM:SS` of a time in seconds (hours keep counting past 24). */
export function clockTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
}

/** One transcript line as the model sees it; `index` is what a query answer cites. */
export function transcriptLine(segment: PromptSegment): string {
  const text = segment.text.replace(/\s+/g, " ").trim();
  return `[${segment.index}] [${clockTime(segment.start)}] ${segment.speaker}: ${text}`;
}

export function renderTranscript(segments: readonly PromptSegment[]): string {
  return segments.map(transcriptLine).join("\n");
}

/**
 * The transcript cut on segment boundaries into chunks whose rendered lines fit `maxChars` (SPEC §6.4). Every
 * segment lands in exactly one chunk, in order; a single segment longer than the budget is a chunk of its own
 * rather than being cut or dropped.
 */
export function chunkSegments(segments: readonly PromptSegment[], maxChars: number): PromptSegment[][] {
  const chunks: PromptSegment[][] = [];
  let current: PromptSegment[] = [];
  let size = 0;
  for (const segment of segments) {
    const length = transcriptLine(segment).length + 1;
    if (current.length > 0 && size + length > maxChars) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(segment);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function languageRule(language: string | null): string {
  return language
    ? `Write every text field in the language with ISO 639-1 code "${language}".`
    : "Write every text field in the language the transcript is in.";
}

function summaryTask(template: SummaryTemplate): string {
  const headings = SUMMARY_TEMPLATE_HEADINGS[template].map((h) => `"${h}"`).join(", ");
  return (
    `Write a "${template}" summary. ${SUMMARY_TEMPLATE_INSTRUCTIONS[template]} ` +
    `\`summary\` is a short paragraph; \`sections\` uses exactly these headings, in this order and untranslated: ` +
    `${headings} (a heading with nothing to report gets an empty list of points). ` +
    "`actionItems` are commitments someone made, with the person responsible as `owner` (null when nobody was " +
    "named) and a priority; `decisions` are what the participants agreed."
  );
}

const KEYPOINTS_TASK =
  "Extract the key points: a short `title` for the meeting; `sections` grouping the main topics discussed with " +
  "their points; `decisions` agreed; `actionItems` with `owner` (null when nobody was named), `confidence` from 0 " +
  "to 1 that it really is a commitment, and a priority; `participants` (the speakers' names); `importantDates` " +
  "mentioned, each with the sentence it came from as `context`.";

function task<K extends GenerationKind>(kind: K, input: GenerationInput[K]): string {
  switch (kind) {
    case "summary":
      return summaryTask((input as GenerationInput["summary"]).template);
    case "keypoints":
      return KEYPOINTS_TASK;
    case "feedback": {
      const { speakerName } = input as GenerationInput["feedback"];
      return (
        `Give constructive feedback to the speaker "${speakerName}" on how they took part in this meeting. ` +
        "Score 0–10 overall and for clarity, listening, timeManagement, collaboration and decisionMaking; name " +
        "their strengths, growth areas, the single top priority to improve, and a short action plan. Judge only " +
        `what "${speakerName}" said and how they interacted with others.`
      );
    }
    case "email": {
      const { recipientName, tone } = input as GenerationInput["email"];
      const to = recipientName ? `to ${recipientName}` : "to the participants";
      return (
        `Draft a follow-up email ${to} in a ${tone} tone: a \`subject\`, a \`body\` ready to send (plain text, ` +
        "no placeholders), the `keyPoints` it covers and the `actionItems` it asks for."
      );
    }
    case "query": {
      return (
        "Answer the user's question from the transcript alone. `response` answers it (say so plainly when the " +
        "transcript does not); `citedSegmentIndexes` are the `[index]` numbers of the lines that support the " +
        "answer; `suggestedQueries` are up to three follow-up questions the transcript can answer."
      );
    }
    default:
      throw new Error(`no prompt for generation kind ${kind satisfies never}`);
  }
}

/** The prompt for a generation over a whole transcript (or one that fits the model in one request). */
export function generationPrompt<K extends GenerationKind>(kind: K, input: GenerationInput[K]): ChatPrompt {
  const system = `${BASE_SYSTEM}\n\n${task(kind, input)}\n${languageRule(input.language)}`;
  const question = kind === "query" ? `Question: ${(input as GenerationInput["query"]).query}\n\n` : "";
  return { system, user: `${question}Transcript:\n${renderTranscript(input.segments)}` };
}

/** Map step: the same task over one part of a long transcript. */
export function partialPrompt<K extends MapReduceKind>(
  kind: K,
  input: GenerationInput[K],
  chunk: readonly PromptSegment[],
  part: number,
  parts: number,
): ChatPrompt {
  const system =
    `${BASE_SYSTEM}\n\n${task(kind, input)}\n${languageRule(input.language)}\n` +
    `This is part ${part} of ${parts} of a long transcript, in order; cover only this part. The parts' results ` +
    "will be merged afterwards, so keep every decision, action item, date and participant it contains.";
  return { system, user: `Transcript (part ${part} of ${parts}):\n${renderTranscript(chunk)}` };
}

/** Reduce step: partial results of consecutive parts merged into one result of the same schema. */
export function mergePrompt<K extends MapReduceKind>(
  kind: K,
  input: GenerationInput[K],
  partials: readonly unknown[],
): ChatPrompt {
  const system =
    "You merge partial analyses of consecutive parts of one meeting transcript into a single analysis. " +
    "Combine them in order, remove duplicates, keep every distinct decision, action item, date and participant, " +
    "and do not add anything the parts do not contain. Answer with JSON matching the given schema and nothing " +
    `else.\n\nThe merged result must satisfy this task: ${task(kind, input)}\n${languageRule(input.language)}`;
  const user = partials.map((partial, i) => `Part ${i + 1}:\n${JSON.stringify(partial)}`).join("\n\n");
  return { system, user };
}
