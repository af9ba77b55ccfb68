import { z } from "@hono/zod-openapi";
import { SUMMARY_TEMPLATE_HEADINGS } from "../../ai/generations";
import { ListQuery } from "../../lib/openapi";
import { DEFAULT_SUMMARY_TEMPLATE, SUMMARY_TEMPLATES } from "../../services/summaries";
import { SectionSchema } from "../ai-generations/ai-generations.schemas";
import { IdParam, Timestamp } from "../shared.schemas";

const templateList = SUMMARY_TEMPLATES.map(
  (name) => `\`${name}\` (${SUMMARY_TEMPLATE_HEADINGS[name].join(", ")})`,
).join("; ");

const Template = z.enum(SUMMARY_TEMPLATES).openapi({
  description: `The summary's template, each with its own instructions and section headings: ${templateList}.`,
  example: DEFAULT_SUMMARY_TEMPLATE,
});

export const SummaryContentSchema = z
  .object({
    summary: z.string().openapi({ example: "The team agreed to open the beta to ten customers on March 3." }),
    sections: z.array(SectionSchema).openapi({ description: "In the template's headings, in order." }),
    actionItems: z.array(
      z.object({
        item: z.string().openapi({ example: "Send the beta invitations" }),
        owner: z.string().nullable().openapi({ example: "Bob" }),
        priority: z.enum(["high", "medium", "low"]),
      }),
    ),
    decisions: z.array(z.string()).openapi({ example: ["We'll go with the usage-based plan."] }),
  })
  .openapi("SummaryContent");

export const SummarySchema = z
  .object({
    summaryId: z.string().openapi({ example: "sum_8Kq2Lm9Xc4Vb7Nr1Zp3Jd0" }),
    transcriptionId: z.string().openapi({ example: "trn_3Jd9kQw2Zp7Lm0Xc5Vb1Nr" }),
    roomName: z.string().nullable().openapi({ example: "/standup" }),
    state: z.enum(["in_progress", "ready", "failed"]),
    template: Template,
    language: z.string().nullable().openapi({
      description: "The language asked for, else the transcription's (null: the transcript's own).",
      example: "en",
    }),
    summary: SummaryContentSchema.nullable().openapi({ description: "Null until `ready`." }),
    model: z.string().nullable().openapi({
      description: "The model that wrote it (`parley-extractive` offline); null until `ready`.",
      example: "gpt-4o-mini",
    }),
    error: z.string().nullable().openapi({ description: "Why the summary failed; null unless `failed`." }),
    createdAt: Timestamp,
    modifiedAt: Timestamp,
  })
  .openapi("Summary", { description: "An AI summary of a transcription, in one of six templates." });

export const CreateSummaryBody = z
  .strictObject({
    transcriptionId: z.string().min(1).max(64).openapi({ example: "trn_3Jd9kQw2Zp7Lm0Xc5Vb1Nr" }),
    template: Template.optional(),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, "Expected an ISO-639-1 code such as en")
      .optional()
      .openapi({ description: "Language to write the summary in (ISO-639-1).", example: "en" }),
  })
  .openapi("CreateSummaryRequest", { description: "The transcription to summarise, the template and the language." });

export const SummaryIdParam = IdParam("summaryId", "sum_8Kq2Lm9Xc4Vb7Nr1Zp3Jd0");

export const ListSummariesQuery = ListQuery.extend({
  transcriptionId: z.string().max(64).optional().openapi({ description: "Only this transcription's summary." }),
});
