import { sql } from "drizzle-orm";
import { type AiProvider, AiProviderError } from "../ai/provider";
import type { SummaryJobMessage } from "../contracts/queue-messages";
import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import { findSummaryRow, finishSummary, summaryInProgress } from "../db/queries/summaries";
import { findTranscriptionRow } from "../db/queries/transcriptions";
import type { SummaryRow } from "../db/schema";
import type { Queues } from "../queues/producer";
import { toPromptSegments, transcriptSegments } from "./ai-generations";
import type { AiQuotaGate } from "./ai-quota";
import { redactJsonWith, writeWithErasures } from "./erasure/late-writes";
import { newEvent, publishEvents, recordEventWhere } from "./events";

/** What a summary job needs; the consumer builds it from the environment. */
export interface SummaryJobDeps {
  db: Database;
  queues: Queues;
  gate: Pick<AiQuotaGate, "commitAiGeneration" | "refundAiGeneration">;
  /** Made only when the job generates (a repeated message for a finished summary makes none). */
  provider: () => AiProvider;
}

/** The `error` of a summary job that failed for a reason of ours (storage unavailable, retries exhausted). */
export const GENERIC_SUMMARY_ERROR = "The summary could not be completed because of an internal error; try again.";

/**
 * Runs one summary job (SPEC §6.4), idempotently: the generation reserved on POST (under the summary's id) is
 * committed once the provider answered, then the result, the flip to `ready` and `summary.finished` are one batch
 * that applies only while the summary is still in progress. A provider failure fails the summary and refunds; a
 * repeated message for a summary already finished only repeats the (idempotent) commit or refund. Anything else
 * throws, for the queue to retry.
 */
export async function runSummaryJob(deps: SummaryJobDeps, job: SummaryJobMessage): Promise<void> {
  const { db, gate } = deps;
  const startedAt = Date.now();
  const row = await findSummaryRow(db, job.orgId, job.summaryId);
  if (!row) return gate.refundAiGeneration(job.summaryId); // deleted (or its transcription) before it ran
  if (row.state === "ready") return gate.commitAiGeneration(row.id);
  if (row.state === "failed") return gate.refundAiGeneration(row.id);
  const transcription = await findTranscriptionRow(db, row.orgId, row.transcriptionId);
  if (transcription?.state !== "ready") {
    return failSummary(deps, job, "The transcription was deleted before it could be summarised.");
  }
  let made: Awaited<ReturnType<AiProvider["generate"]>>;
  try {
    const segments = toPromptSegments(await transcriptSegments(db, transcription));
    made = await deps.provider().generate("summary", {
      segments,
      language: row.language,
      template: row.template,
    });
  } catch (error) {
    if (error instanceof AiProviderError) return failSummary(deps, job, error.message);
    throw error;
  }
  // Committed before the result is stored: a crash in between regenerates on retry, never for free.
  await gate.commitAiGeneration(row.id);
  const event = newEvent(row.orgId, "summary.finished", eventData(row));
  // Written so that an erasure that ran meanwhile still reaches this summary (see writeWithErasures).
  const { results } = await writeWithErasures(
    db,
    row.orgId,
    startedAt,
    made.result as SummaryRow["result"],
    redactJsonWith,
    (result, guard) => [
      recordEventWhere(event, sql`${summaryInProgress(row.orgId, row.id)} AND ${guard}`),
      finishSummary(
        db,
        row.orgId,
        row.id,
        { state: "ready", result, model: made.model, error: null, modifiedAt: event.createdAt },
        guard,
      ),
    ],
  );
  if ((results[0]?.meta.changes ?? 0) > 0) await publishEvents(deps.queues, db, [event.id]);
}

const eventData = (row: SummaryRow) => ({ summaryId: row.id, transcriptionId: row.transcriptionId });

/**
 * Marks an in-progress summary failed with a readable `error` and records `summary.failed` (once), then gives
 * its generation back. In that order: a refund before the flip could be followed by a retry that generates the
 * summary with nothing left to commit.
 */
export async function failSummary(
  deps: Pick<SummaryJobDeps, "db" | "queues" | "gate">,
  job: SummaryJobMessage,
  error: string,
): Promise<void> {
  const row = await findSummaryRow(deps.db, job.orgId, job.summaryId);
  if (row?.state === "in_progress") {
    const event = newEvent(row.orgId, "summary.failed", { ...eventData(row), error });
    const [recorded] = await sqlBatch(deps.db, [
      recordEventWhere(event, summaryInProgress(row.orgId, row.id)),
      finishSummary(deps.db, row.orgId, row.id, {
        state: "failed",
        result: null,
        model: null,
        error,
        modifiedAt: event.createdAt,
      }),
    ]);
    if ((recorded?.meta.changes ?? 0) > 0) await publishEvents(deps.queues, deps.db, [event.id]);
  }
  if (row?.state !== "ready") await deps.gate.refundAiGeneration(job.summaryId);
}
