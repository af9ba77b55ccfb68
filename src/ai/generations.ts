import { z } from "zod";

/**
 * The text generations of SPEC §6.4–6.5 as providers produce them. Fields the service computes itself
 * (ids, `cached`, `generatedAt`, `model`, feedback's `speakerName` and `talkListenRatio`, query citations
 * resolved from segment indexes) are not asked of a provider.
 */

/** A transcript segment as providers see it: renames applied, `index` its position in the transcript. */
export interface PromptSegment {
  index: number;
  speaker: string;
  start: number;
  end: number;
  text: string;
}

export const SUMMARY_TEMPLATES = [
  "General Bulleted",
  "General Narrative",
  "SOAP",
  "Extended SOAP",
  "Educational Lecture",
  "Educational Tutoring",
] as const;
export type SummaryTemplate = (typeof SUMMARY_TEMPLATES)[number];

/**
 * The section headings of each summary template, in order: every provider's summary has exactly these sections
 * (an empty one keeps its heading with no points), so clients can rely on the structure.
 */
export const SUMMARY_TEMPLATE_HEADINGS = {
  "General Bulleted": ["Overview", "Discussion Points", "Questions Raised", "Next Steps"],
  "General Narrative": ["Background", "Discussion", "Outcome"],
  SOAP: ["Subjective", "Objective", "Assessment", "Plan"],
  "Extended SOAP": [
    "Chief Complaint",
    "History of Present Illness",
    "Medications and Allergies",
    "Subjective",
    "Objective",
    "Assessment",
    "Plan",
    "Follow-up",
  ],
  "Educational Lecture": [
    "Topics Covered",
    "Key Concepts",
    "Examples",
    "Questions Raised",
    "Assignments and Next Steps",
  ],
  "Educational Tutoring": [
    "Topics Reviewed",
    "Student Difficulties",
    "Explanations",
    "Progress",
    "Practice and Next Steps",
  ],
} as const satisfies Record<SummaryTemplate, readonly string[]>;
export type SummaryHeading<T extends SummaryTemplate> = (typeof SUMMARY_TEMPLATE_HEADINGS)[T][number];

export const EMAIL_TONES = ["professional", "casual", "concise"] as const;
export type EmailTone = (typeof EMAIL_TONES)[number];

const Priority = z.enum(["high", "medium", "low"]);
const Section = z.object({ heading: z.string(), points: z.array(z.string()) });

export const SummaryOutput = z.object({
  summary: z.string(),
  sections: z.array(Section),
  actionItems: z.array(z.object({ item: z.string(), owner: z.string().nullable(), priority: Priority })),
  decisions: z.array(z.string()),
});

export const KeypointsOutput = z.object({
  title: z.string(),
  sections: z.array(Section),
  decisions: z.array(z.string()),
  actionItems: z.array(
    z.object({
      item: z.string(),
      owner: z.string().nullable(),
      confidence: z.number().min(0).max(1),
      priority: Priority,
    }),
  ),
  participants: z.array(z.string()),
  importantDates: z.array(z.object({ date: z.string(), context: z.string() })),
});

const Score = z.number().min(0).max(10);
export const FeedbackOutput = z.object({
  overallScore: Score,
  topPriority: z.string(),
  strengths: z.array(z.string()),
  growthAreas: z.array(z.string()),
  categoryScores: z.object({
    clarity: Score,
    listening: Score,
    timeManagement: Score,
    collaboration: Score,
    decisionMaking: Score,
  }),
  actionPlan: z.array(z.string()),
});

export const EmailOutput = z.object({
  subject: z.string(),
  body: z.string(),
  keyPoints: z.array(z.string()),
  actionItems: z.array(z.string()),
});

/** The provider names segments by index; the service turns them into citations, so every one is real. */
export const QueryOutput = z.object({
  response: z.string(),
  citedSegmentIndexes: z.array(z.number().int().min(0)),
  suggestedQueries: z.array(z.string()),
});

export const GENERATION_SCHEMAS = {
  summary: SummaryOutput,
  keypoints: KeypointsOutput,
  feedback: FeedbackOutput,
  email: EmailOutput,
  query: QueryOutput,
} as const;
export type GenerationKind = keyof typeof GENERATION_SCHEMAS;
export type GenerationOutput = { [K in GenerationKind]: z.infer<(typeof GENERATION_SCHEMAS)[K]> };

interface TranscriptInput {
  segments: PromptSegment[];
  /** Output language (ISO-639-1), or null for the transcript's own. */
  language: string | null;
}
export interface GenerationInput {
  summary: TranscriptInput & { template: SummaryTemplate };
  keypoints: TranscriptInput;
  feedback: TranscriptInput & { speakerName: string };
  email: TranscriptInput & { recipientName: string | null; tone: EmailTone };
  query: TranscriptInput & { query: string };
}
