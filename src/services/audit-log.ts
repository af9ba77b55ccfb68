import type { AuditRecordMessage } from "../contracts/queue-messages";
import type { Database } from "../db/client";
import { type AuditLogRow, insertAuditRows, listAuditRows } from "../db/queries/audit-log";
import { ApiError } from "../lib/errors";
import { decodeCursor, toPage } from "../lib/pagination";
import { addMonthsClamped, iso } from "../lib/time";
import type { Queues } from "../queues/producer";

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
  await insertAuditRows(db, records as AuditLogRow[]);
}

/** What went wrong, without the statement and its parameters drizzle puts into its own message. */
export function failureReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 200);
}

/** How long the first record of a batch waits for others, and the most a batch holds (one insert, one message). */
export const AUDIT_BATCH_WINDOW_MS = 100;
export const AUDIT_BATCH_MAX = 50;

interface OpenBatch {
  records: AuditRecord[];
  flushed: boolean;
}

/**
 * Isolate-global on purpose: records of concurrent requests share one insert. Keyed by the D1 binding, so a
 * batch is written through the database its records' requests had.
 */
const openBatches = new WeakMap<object, OpenBatch>();

function flush(batch: OpenBatch, db: Database, queues: Queues): Promise<void> {
  if (batch.flushed) return Promise.resolve();
  batch.flushed = true;
  if (openBatches.get(db.$client) === batch) openBatches.delete(db.$client);
  return writeOrDefer(db, queues, batch.records);
}

/**
 * Records one request in the audit log, off the response path: the caller hands the returned promise to
 * `waitUntil`. Records of concurrent requests are written together, one insert per batch: the request that
 * opens a batch writes it `AUDIT_BATCH_WINDOW_MS` later, unless a request fills it (`AUDIT_BATCH_MAX`) and
 * writes it first. Until then the records are in this isolate's memory, which the writer's pending
 * `waitUntil` keeps alive. No request waits on another's promise or timer: Workers forbids that across requests.
 */
export function recordAudit(db: Database, queues: Queues, record: AuditRecord): Promise<void> {
  const open = openBatches.get(db.$client);
  if (open) {
    open.records.push(record);
    return open.records.length >= AUDIT_BATCH_MAX ? flush(open, db, queues) : Promise.resolve();
  }
  const batch: OpenBatch = { records: [record], flushed: false };
  openBatches.set(db.$client, batch);
  return new Promise<void>((resolve) => setTimeout(resolve, AUDIT_BATCH_WINDOW_MS)).then(() =>
    flush(batch, db, queues),
  );
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
