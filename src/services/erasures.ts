import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  deleteErasureRow,
  type ErasureRow,
  failErasureStatement,
  findErasureRow,
  insertErasure,
  listRecentErasureRows,
  saveProgress,
} from "../db/queries/erasures";
import type { ErasureField } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import type { Queues } from "../queues/producer";
import type { HashedSubjectSpec } from "./erasure/hashed-subject";
import { COUNT_NAMES, type ErasureCounts, type ErasureProgress, PHASES } from "./erasure/phases";
import { normaliseSubject, Subject } from "./erasure/subject";

/** Steps (D1 batches) and written statements one invocation of the job does before it re-enqueues itself. */
const STEPS_PER_RUN = 40;
const STATEMENTS_PER_RUN = 500;

const zeroCounts = (): ErasureCounts => Object.fromEntries(COUNT_NAMES.map((name) => [name, 0])) as ErasureCounts;

export function toErasure(row: ErasureRow) {
  return {
    erasureId: row.id,
    state: row.state,
    subject: { field: row.subjectField, sha256: row.subjectSha256 },
    counts: { ...zeroCounts(), ...row.counts } as ErasureCounts,
    completedAt: row.completedAt === null ? null : iso(row.completedAt),
  };
}

/**
 * Records an erasure request and queues its job. The clear value is kept only on the row while the job
 * runs (the job clears it); the response and everything else carry its SHA-256.
 */
export async function createErasure(
  deps: { db: Database; queues: Queues },
  orgId: string,
  subject: { field: ErasureField; value: string },
  now = Date.now(),
): Promise<ErasureRow> {
  const value = subject.value.trim();
  const row: ErasureRow = {
    id: newId("era"),
    orgId,
    state: "in_progress",
    subjectField: subject.field,
    subjectSha256: await sha256Hex(normaliseSubject(value)),
    subjectValue: value,
    subjectLength: value.length,
    counts: zeroCounts(),
    progress: null,
    createdAt: now,
    completedAt: null,
  };
  await insertErasure(deps.db, row);
  try {
    await deps.queues.storageJobs.send({ kind: "erasure.run.v1", orgId, erasureId: row.id });
  } catch (error) {
    // Without its job the clear value would stay stored: the request goes, and the client retries.
    await deleteErasureRow(deps.db, orgId, row.id);
    throw error;
  }
  return row;
}

export async function getErasure(db: Database, orgId: string, erasureId: string): Promise<ErasureRow> {
  const row = await findErasureRow(db, orgId, erasureId);
  if (!row) throw new ApiError("not_found", `No erasure ${erasureId}.`);
  return row;
}

/** The latest erasure requests with their state and counts (no list route in the API: SPEC §9 names none). */
export async function listRecentErasures(db: Database, orgId: string, limit = 20) {
  return (await listRecentErasureRows(db, orgId, limit)).map(toErasure);
}

export interface ErasureDeps {
  db: Database;
  bucket: R2Bucket;
  /** Tells the organization's Durable Object to redact this subject from its stored Idempotency-Key replays. */
  eraseFromReplays(orgId: string, erasureId: string, subject: HashedSubjectSpec): Promise<void>;
}

/**
 * Runs the erasure job for a bounded number of steps. Each step redacts one page of one table and saves
 * the progress and counts in the same D1 batch, so a redelivered message resumes where the last
 * committed step ended (and a finished erasure is left alone). `more`: call again (re-enqueue).
 */
export async function runErasure(
  deps: ErasureDeps,
  orgId: string,
  erasureId: string,
  limits = { steps: STEPS_PER_RUN, statements: STATEMENTS_PER_RUN },
): Promise<"done" | "more"> {
  const { db, bucket } = deps;
  const row = await findErasureRow(db, orgId, erasureId);
  if (row?.state !== "in_progress") return "done";
  if (row.subjectValue === null) throw new Error(`erasure ${erasureId} lost its subject`);
  const hashed = { sha256: row.subjectSha256, length: row.subjectValue.length };
  const ctx = {
    db,
    bucket,
    orgId,
    subject: new Subject({ field: row.subjectField, value: row.subjectValue }),
    requestedAt: row.createdAt,
    now: Date.now(),
    eraseFromReplays: () => deps.eraseFromReplays(orgId, erasureId, hashed),
  };
  let progress = (row.progress as ErasureProgress | null) ?? { step: 0, phase: 0, cursor: "" };
  const counts = { ...zeroCounts(), ...row.counts } as ErasureCounts;
  let statements = 0;
  for (let steps = 0; steps < limits.steps && statements < limits.statements; steps++) {
    const phase = PHASES[progress.phase];
    const result = phase ? await phase(ctx, progress) : { writes: [], counts: {}, next: null };
    for (const [name, n] of Object.entries(result.counts)) counts[name as keyof ErasureCounts] += n;
    const step = progress.step + 1;
    progress = result.next
      ? { step, phase: progress.phase, ...result.next }
      : { step, phase: progress.phase + 1, cursor: "" };
    const done = progress.phase >= PHASES.length;
    const save = saveProgress(
      erasureId,
      step,
      { state: done ? "ready" : "in_progress", progress: done ? null : { ...progress }, counts },
      done ? Date.now() : null,
    );
    const results = await sqlBatch(db, [...result.writes, save]);
    // Another run of the same message committed this step first: it carries on, this one stops.
    if ((results.at(-1)?.results.length ?? 0) === 0) return "done";
    if (done) return "done";
    statements += result.writes.length + 1;
  }
  return "more";
}

/**
 * The job ran out of retries (its message reached the dead-letter queue): the erasure is `failed` and the
 * clear value is dropped, so it is never kept past the job. What was redacted so far stays redacted.
 */
export async function failErasure(db: Database, orgId: string, erasureId: string): Promise<void> {
  await sqlBatch(db, [failErasureStatement(orgId, erasureId, Date.now())]);
}
