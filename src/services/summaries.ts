import { SUMMARY_TEMPLATES, type SummaryTemplate } from "../ai/generations";
import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  deleteSummaryRow,
  deleteSummaryStatement,
  findSummaryOfTranscription,
  findSummaryRow,
  insertSummary,
  listSummaryRows,
} from "../db/queries/summaries";
import { burySummaryStatement, findTombstone } from "../db/queries/tombstones";
import type { SummaryRow } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import { iso } from "../lib/time";
import type { Queues } from "../queues/producer";
import { type AiQuotaGate, QUEUED_GENERATION_HOLD_MS, reserveGeneration } from "./ai-quota";
import { getReadyTranscription } from "./transcriptions";

export { SUMMARY_TEMPLATES, type SummaryTemplate };
export const DEFAULT_SUMMARY_TEMPLATE: SummaryTemplate = "General Bulleted";

/** A summary as the API shows it (SPEC §6.4). */
export interface Summary {
  summaryId: string;
  transcriptionId: string;
  roomName: string | null;
  state: SummaryRow["state"];
  template: SummaryTemplate;
  language: string | null;
  summary: SummaryRow["result"];
  model: string | null;
  error: string | null;
  createdAt: string;
  modifiedAt: string;
}

export function toSummary(row: SummaryRow): Summary {
  return {
    summaryId: row.id,
    transcriptionId: row.transcriptionId,
    roomName: row.roomName,
    state: row.state,
    template: row.template,
    language: row.language,
    summary: row.result,
    model: row.model,
    error: row.error,
    createdAt: iso(row.createdAt),
    modifiedAt: iso(row.modifiedAt),
  };
}

const alreadySummarised = (transcriptionId: string, summaryId: string) =>
  new ApiError(
    "conflict",
    `Transcription ${transcriptionId} already has a summary (${summaryId}); delete it to summarise again.`,
  );

/**
 * Starts summarising a ready transcription (one summary per transcription, 409 otherwise): one AI generation is
 * reserved first (429 at once when the month is used up), then the summary (`in_progress`) is stored and its
 * job queued. Whatever fails before the job is queued gives the generation back.
 */
export async function createSummary(
  deps: { db: Database; queues: Queues; gate: AiQuotaGate },
  orgId: string,
  input: { transcriptionId: string; template?: SummaryTemplate; language?: string },
  now = Date.now(),
): Promise<SummaryRow> {
  const { db, gate } = deps;
  const transcription = await getReadyTranscription(db, orgId, input.transcriptionId);
  const existing = await findSummaryOfTranscription(db, orgId, transcription.id);
  if (existing) throw alreadySummarised(transcription.id, existing.id);
  const row: SummaryRow = {
    id: newId("sum"),
    orgId,
    transcriptionId: transcription.id,
    roomName: transcription.roomName,
    state: "in_progress",
    template: input.template ?? DEFAULT_SUMMARY_TEMPLATE,
    language: input.language ?? transcription.language,
    result: null,
    model: null,
    error: null,
    createdAt: now,
    modifiedAt: now,
  };
  // The summary's id is its reservation's: the job commits or refunds it by that id, however often it runs.
  await reserveGeneration(gate, orgId, row.id, QUEUED_GENERATION_HOLD_MS);
  try {
    if (!(await insertSummary(db, row))) {
      const winner = await findSummaryOfTranscription(db, orgId, transcription.id);
      throw alreadySummarised(transcription.id, winner?.id ?? "made concurrently");
    }
    try {
      await deps.queues.aiJobs.send({ kind: "summary.v1", summaryId: row.id, orgId });
    } catch (error) {
      // Without its job the summary would stay in progress for ever: the client is told to retry instead.
      await deleteSummaryRow(db, orgId, row.id);
      throw error;
    }
  } catch (error) {
    await gate.refundAiGeneration(row.id);
    throw error;
  }
  return row;
}

export async function getSummary(db: Database, orgId: string, summaryId: string): Promise<SummaryRow> {
  const row = await findSummaryRow(db, orgId, summaryId);
  if (!row) throw new ApiError("not_found", `No summary ${summaryId}.`);
  return row;
}

/** Summaries newest first, optionally of one transcription. */
export async function listSummaries(
  db: Database,
  orgId: string,
  query: { limit: number; cursor?: string; transcriptionId?: string },
) {
  const after = decodeCursor(query.cursor);
  const rows = await listSummaryRows(db, orgId, { ...query, after });
  return toPage(rows, query.limit, (r) => ({ v: r.createdAt, id: r.id }), toSummary);
}

/**
 * Deletes a summary (the transcription can then be summarised again), leaving a tombstone: deleting it again is
 * fine, while an id this organization never had (unknown, or another organization's) is 404.
 */
export async function deleteSummary(db: Database, orgId: string, summaryId: string, now = Date.now()): Promise<void> {
  const [buried, , deleted] = await sqlBatch(db, [
    findTombstone(orgId, "summary", summaryId),
    burySummaryStatement(orgId, summaryId, now),
    deleteSummaryStatement(orgId, summaryId),
  ]);
  if ((buried?.results.length ?? 0) + (deleted?.results.length ?? 0) === 0) {
    throw new ApiError("not_found", `No summary ${summaryId}.`);
  }
}
