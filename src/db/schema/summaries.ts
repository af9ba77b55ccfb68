import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { GenerationOutput, SummaryTemplate } from "../../ai/generations";

export type SummaryState = "in_progress" | "ready" | "failed";

/** A transcription's summary (at most one), made by a job on the `ai-jobs` queue. */
export const summaries = sqliteTable(
  "summaries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    transcriptionId: text("transcription_id").notNull(),
    roomName: text("room_name"),
    state: text("state").$type<SummaryState>().notNull(),
    template: text("template").$type<SummaryTemplate>().notNull(),
    language: text("language"),
    result: text("result", { mode: "json" }).$type<GenerationOutput["summary"]>(),
    model: text("model"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    modifiedAt: integer("modified_at").notNull(),
  },
  (t) => [
    // One summary per transcription, held by the database so concurrent POSTs cannot both create one.
    uniqueIndex("summaries_org_transcription_idx").on(t.orgId, t.transcriptionId),
    index("summaries_org_created_idx").on(t.orgId, t.createdAt, t.id),
  ],
);

export type AiResultKind = "keypoints" | "feedback" | "email";

/**
 * Cached AI generations of a transcription (SPEC §6.5), one per kind and parameters: `paramsHash` covers the
 * request's parameters and the speaker renames in force, so a rename makes the next request generate afresh.
 */
export const aiResults = sqliteTable(
  "ai_results",
  {
    transcriptionId: text("transcription_id").notNull(),
    orgId: text("org_id").notNull(),
    kind: text("kind").$type<AiResultKind>().notNull(),
    paramsHash: text("params_hash").notNull(),
    /** The generation as the API shows it, without `cached`, `generatedAt` and `model`. */
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    model: text("model").notNull(),
    generatedAt: integer("generated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.transcriptionId, t.kind, t.paramsHash] })],
);

export type SummaryRow = typeof summaries.$inferSelect;
export type AiResultRow = typeof aiResults.$inferSelect;
