import { and, eq, gte, lte } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import { auditLog } from "../schema";
import { keyset } from "./keyset";

export type AuditLogRow = typeof auditLog.$inferSelect;

/** D1 binds at most 100 parameters per statement; a row binds 11. */
const ROWS_PER_INSERT = 9;

/**
 * Inserts audit rows; a row whose id is already there is skipped, so a record written twice (the
 * request's own write and a queued retry of it) stays one row.
 */
export async function insertAuditRows(db: Database, rows: AuditLogRow[]): Promise<void> {
  const inserts = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    inserts.push(
      db
        .insert(auditLog)
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .onConflictDoNothing({ target: auditLog.id }),
    );
  }
  const [first, ...rest] = inserts;
  if (!first) return;
  if (rest.length === 0) await first;
  else await db.batch([first, ...rest]);
}

/** One page of this organization's audit log, newest first, with the list's filters. */
export function listAuditRows(
  db: Database,
  orgId: string,
  query: {
    keyId?: string;
    method?: string;
    objectId?: string;
    from?: number;
    to?: number;
    after: Cursor | null;
    limit: number;
  },
) {
  const page = keyset(auditLog.createdAt, auditLog.id, "desc", query.after);
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, orgId),
        query.keyId === undefined ? undefined : eq(auditLog.keyId, query.keyId),
        query.method === undefined ? undefined : eq(auditLog.method, query.method),
        query.objectId === undefined ? undefined : eq(auditLog.objectId, query.objectId),
        query.from === undefined ? undefined : gte(auditLog.createdAt, query.from),
        query.to === undefined ? undefined : lte(auditLog.createdAt, query.to),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}
