import type { AuditRecordMessage } from "../contracts/queue-messages";
import type { Database } from "../db/client";
import { type AuditLogRow, insertAuditRows, listAuditRows } from "../db/queries/audit-log";
import { ApiError } from "../lib/errors";
import { decodeCursor, toPage } from "../lib/pagination";
import { addMonthsClamped, iso } from "../lib/time";
import type { Queues } from "../queues/producer";
import { OPERATOR_SCOPE } from "./org-gate";

/** One audit-log row: who (key, member or operator) did what (method, route template, object) with what outcome. */
export type AuditRecord = AuditRecordMessage;

/** Audit rows are kept this many months, then deleted by the retention cron (SPEC §9). */
export const AUDIT_RETENTION_MONTHS = 12;

/** Rows older than this instant are past retention. */
export function auditRetentionCutoff(now: number): number {
  return addMonthsClamped(now, -AUDIT_RETENTION_MONTHS);
}

/** Writes audit records idempotently (an id already stored is skipped); the queue consumer's path. */
export async function writeAuditRecords(db: Database, records: AuditRecord[]): Promise<void> {
  await insertAuditRows(db, records as AuditLogRow[], OPERATOR_SCOPE);
}

/** What went wrong, without the statement and its parameters drizzle puts into its own message. */
export function failureReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 200);
}

/** How long the first record of a batch waits for others, and the most a batch holds (one insert, one message). */
export const AUDIT_BATCH_WINDOW_MS = 100;
export const AUDIT_BATCH_MAX = 50;
/**
 * How long a request whose record another request is writing waits for that write before writing its own record
 * (the writer's request may have been cancelled); the insert skips an id already there, so both is harmless.
 */
export const AUDIT_WRITE_WAIT_MS = 5_000;
const POLL_MS = 10;

interface OpenBatch {
  records: AuditRecord[];
  openedAt: number;
  state: "open" | "writing" | "written";
}

/**
 * Isolate-global on purpose: records of concurrent requests share one insert. Keyed by the D1 binding, so a
 * batch is written through the database its records' requests had.
 */
const openBatches = new WeakMap<object, OpenBatch>();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function flush(batch: OpenBatch, db: Database, queues: Queues): Promise<void> {
  batch.state = "writing";
  if (openBatches.get(db.$client) === batch) openBatches.delete(db.$client);
  await writeOrDefer(db, queues, batch.records);
  batch.state = "written";
}

/**
 * Records one request in the audit log, off the response path: the caller hands the returned promise to
 * `waitUntil`. Records of concurrent requests are written together, one insert per batch, `AUDIT_BATCH_WINDOW_MS`
 * after the batch opened (or at once when a request fills it, `AUDIT_BATCH_MAX`). Every request's promise
 * settles only once its own record is written (or deferred), so the runtime keeps the isolate alive for each
 * of them, not only for the request that writes. A request never awaits another request's promise (Workers
 * forbids that): it waits on its own timers and reads the batch's state.
 */
export function recordAudit(db: Database, queues: Queues, record: AuditRecord): Promise<void> {
  let batch = openBatches.get(db.$client);
  if (!batch) {
    batch = { records: [], openedAt: Date.now(), state: "open" };
    openBatches.set(db.$client, batch);
  }
  batch.records.push(record);
  if (batch.records.length >= AUDIT_BATCH_MAX) return flush(batch, db, queues);
  return holdUntilWritten(batch, db, queues, record);
}

async function holdUntilWritten(batch: OpenBatch, db: Database, queues: Queues, record: AuditRecord): Promise<void> {
  await sleep(batch.openedAt + AUDIT_BATCH_WINDOW_MS - Date.now());
  if (batch.state === "open") return flush(batch, db, queues);
  const giveUpAt = Date.now() + AUDIT_WRITE_WAIT_MS;
  while (batch.state === "writing" && Date.now() < giveUpAt) await sleep(POLL_MS);
  if (batch.state !== "written") await writeOrDefer(db, queues, [record]);
}

/**
 * No silent gaps: when D1 refuses the write, the records go to the `storage-jobs` queue, whose consumer
 * inserts them idempotently and retries; when the queue refuses them too, each record is logged whole as an
 * error (it holds ids and codes, never a body, query string or personal data), so an operator can still
 * insert it from the logs.
 */
async function writeOrDefer(db: Database, queues: Queues, records: AuditRecord[]): Promise<void> {
  let writeError: unknown;
  try {
    await writeAuditRecords(db, records);
    return;
  } catch (error) {
    writeError = error;
  }
  try {
    await queues.storageJobs.send({ kind: "audit.write.v1", records });
    console.warn(
      JSON.stringify({
        level: "warn",
        message: "audit records deferred to the storage-jobs queue: D1 refused the write",
        auditIds: records.map((r) => r.id),
        error: failureReason(writeError),
      }),
    );
  } catch (sendError) {
    logUnwrittenAudit(records, `D1: ${failureReason(writeError)}; queue: ${failureReason(sendError)}`);
  }
}

/** The last resort: the records, whole, in the error log (they hold no personal data). */
export function logUnwrittenAudit(records: AuditRecord[], error: string): void {
  for (const record of records) {
    console.error(
      JSON.stringify({ level: "error", message: "audit record not written", auditId: record.id, record, error }),
    );
  }
}

export interface PublicAuditEntry {
  id: string;
  keyId: string | null;
  memberId: string | null;
  actorType: AuditRecord["actorType"];
  method: string;
  route: string;
  objectId: string | null;
  status: number;
  requestId: string;
  createdAt: string;
}

function toPublicAuditEntry(row: AuditLogRow): PublicAuditEntry {
  return {
    id: row.id,
    keyId: row.keyId,
    memberId: row.memberId,
    actorType: row.actorType,
    method: row.method,
    route: row.route,
    objectId: row.objectId,
    status: row.status,
    requestId: row.requestId,
    createdAt: iso(row.createdAt),
  };
}

export interface AuditLogQuery {
  limit: number;
  cursor?: string;
  keyId?: string;
  method?: string;
  objectId?: string;
  "createdAt[from]"?: string;
  "createdAt[to]"?: string;
}

/** A page of the organization's audit log, newest first (SPEC §9). */
export async function listAuditLog(db: Database, orgId: string, query: AuditLogQuery) {
  const after = decodeCursor(query.cursor);
  const from = query["createdAt[from]"] === undefined ? undefined : Date.parse(query["createdAt[from]"]);
  const to = query["createdAt[to]"] === undefined ? undefined : Date.parse(query["createdAt[to]"]);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError("validation_error", "createdAt[from] is after createdAt[to].", {
      errors: [{ location: "query.createdAt[from]", message: "Must not be after createdAt[to]" }],
    });
  }
  const rows = await listAuditRows(db, orgId, {
    keyId: query.keyId,
    method: query.method,
    objectId: query.objectId,
    from,
    to,
    after,
    limit: query.limit,
  });
  return toPage(rows, query.limit, (r) => ({ v: r.createdAt, id: r.id }), toPublicAuditEntry);
}
