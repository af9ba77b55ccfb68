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

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * Records one request in the audit log, off the response path (the caller hands this to `waitUntil`).
 * No silent gaps: when D1 refuses the write, the record goes to the `storage-jobs` queue, whose
 * consumer inserts it idempotently and retries; when the queue refuses it too, the whole record is
 * logged as an error (it holds ids and codes, never a body, query string or personal data), so an
 * operator can still insert it from the logs.
 */
export async function recordAudit(db: Database, queues: Queues, record: AuditRecord): Promise<void> {
  let writeError: unknown;
  try {
    await writeAuditRecords(db, [record]);
    return;
  } catch (error) {
    writeError = error;
  }
  try {
    await queues.storageJobs.send({ kind: "audit.write.v1", records: [record] });
    console.warn(
      JSON.stringify({
        level: "warn",
        message: "audit record deferred to the storage-jobs queue: D1 refused the write",
        auditId: record.id,
        error: reason(writeError),
      }),
    );
  } catch (sendError) {
    logUnwrittenAudit([record], `D1: ${reason(writeError)}; queue: ${reason(sendError)}`);
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
