import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import { type AiResultKind, type AiResultRow, aiResults, type SummaryRow, summaries } from "../schema";
import { keyset } from "./keyset";

const sameSummary = (orgId: string, summaryId: string) => and(eq(summaries.id, summaryId), eq(summaries.orgId, orgId));

/** Inserts a summary; false when the transcription already has one (the unique index decides, race-free). */
export async function insertSummary(db: Database, row: SummaryRow): Promise<boolean> {
  const inserted = await db.insert(summaries).values(row).onConflictDoNothing().returning({ id: summaries.id });
  return inserted.length > 0;
}

export async function findSummaryRow(db: Database, orgId: string, summaryId: string) {
  return (await db.select().from(summaries).where(sameSummary(orgId, summaryId)).limit(1))[0];
}

export async function findSummaryOfTranscription(db: Database, orgId: string, transcriptionId: string) {
  return (
    await db
      .select({ id: summaries.id })
      .from(summaries)
      .where(and(eq(summaries.orgId, orgId), eq(summaries.transcriptionId, transcriptionId)))
      .limit(1)
  )[0];
}

/** Summaries newest first, in keyset order. */
export function listSummaryRows(
  db: Database,
  orgId: string,
  query: { transcriptionId?: string; after: Cursor | null; limit: number },
) {
  const page = keyset(summaries.createdAt, summaries.id, "desc", query.after);
  return db
    .select()
    .from(summaries)
    .where(
      and(
        eq(summaries.orgId, orgId),
        query.transcriptionId ? eq(summaries.transcriptionId, query.transcriptionId) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}

/** Condition for a batch: the summary exists and is still in progress. */
export function summaryInProgress(orgId: string, summaryId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${summaries} WHERE id = ${summaryId} AND org_id = ${orgId} AND state = 'in_progress')`;
}

/** The flip (not yet run) of an in-progress summary to ready with its result, or to failed. */
export function finishSummary(
  db: Database,
  orgId: string,
  summaryId: string,
  outcome: Pick<SummaryRow, "state" | "result" | "model" | "error" | "modifiedAt">,
  condition?: SQL,
) {
  return db
    .update(summaries)
    .set(outcome)
    .where(and(sameSummary(orgId, summaryId), eq(summaries.state, "in_progress"), condition));
}

/** For a batch: the delete of a summary, returning its id when there was one. */
export function deleteSummaryStatement(orgId: string, summaryId: string): SQL {
  return sql`DELETE FROM ${summaries} WHERE id = ${summaryId} AND org_id = ${orgId} RETURNING id`;
}

/** Deletes a summary; the deleted row, or undefined when there was none. */
export async function deleteSummaryRow(db: Database, orgId: string, summaryId: string) {
  return (await db.delete(summaries).where(sameSummary(orgId, summaryId)).returning())[0];
}

export async function findAiResult(
  db: Database,
  orgId: string,
  key: { transcriptionId: string; kind: AiResultKind; paramsHash: string },
): Promise<AiResultRow | undefined> {
  return (
    await db
      .select()
      .from(aiResults)
      .where(
        and(
          eq(aiResults.orgId, orgId),
          eq(aiResults.transcriptionId, key.transcriptionId),
          eq(aiResults.kind, key.kind),
          eq(aiResults.paramsHash, key.paramsHash),
        ),
      )
      .limit(1)
  )[0];
}

/**
 * Stores a generation, replacing an earlier one for the same parameters (a forced refresh), only while the
 * transcription is still there: a result never outlives a transcription deleted while it was generated.
 */
export function upsertAiResult(row: AiResultRow, transcriptionExists: SQL): SQL {
  return sql`
    INSERT INTO ${aiResults} (transcription_id, org_id, kind, params_hash, result, model, generated_at)
    SELECT ${row.transcriptionId}, ${row.orgId}, ${row.kind}, ${row.paramsHash}, ${JSON.stringify(row.result)},
           ${row.model}, ${row.generatedAt}
    WHERE ${transcriptionExists}
    ON CONFLICT (transcription_id, kind, params_hash) DO UPDATE SET
      result = excluded.result, model = excluded.model, generated_at = excluded.generated_at`;
}

/** The deletes (not yet run) of a transcription's summary and cached generations, for its delete batch. */
export function deleteAiOutputsStatements(db: Database, orgId: string, transcriptionId: string) {
  return [
    db.delete(summaries).where(and(eq(summaries.orgId, orgId), eq(summaries.transcriptionId, transcriptionId))),
    db.delete(aiResults).where(and(eq(aiResults.orgId, orgId), eq(aiResults.transcriptionId, transcriptionId))),
  ];
}
