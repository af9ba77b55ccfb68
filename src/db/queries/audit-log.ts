import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import { auditLog, organizations } from "../schema";
import { keyset } from "./keyset";

export type AuditLogRow = typeof auditLog.$inferSelect;

/**
 * Inserts audit rows in one statement whatever their number (one bound parameter: D1 binds at most 100). A row
 * whose id is already there is skipped, so a record written twice (a retried queue message) stays one row; any
 * other constraint failure fails the whole insert rather than dropping a row.
 *
 * Guarded by the organization's existence in the same statement, so nothing lands after a purge's last batch
 * (which deletes the organization's audit rows and the organization together): a key's or member's row for an
 * organization that is gone is dropped, and an operator call about it is kept under `operatorScope`.
 */
export async function insertAuditRows(db: Database, rows: AuditLogRow[], operatorScope: string): Promise<void> {
  if (rows.length === 0) return;
  const field = (name: keyof AuditLogRow) => sql.raw(`json_extract(r.value, '$.${name}')`);
  await db.run(sql`
    INSERT INTO ${auditLog}
      (id, org_id, key_id, member_id, actor_type, method, route, object_id, status, request_id, created_at)
    SELECT ${field("id")}, coalesce(o.id, ${operatorScope}), ${field("keyId")}, ${field("memberId")},
      ${field("actorType")}, ${field("method")}, ${field("route")}, ${field("objectId")}, ${field("status")},
      ${field("requestId")}, ${field("createdAt")}
    FROM json_each(${JSON.stringify(rows)}) AS r
      LEFT JOIN ${organizations} AS o ON o.id = ${field("orgId")}
    WHERE o.id IS NOT NULL OR ${field("actorType")} = 'operator'
    ON CONFLICT (id) DO NOTHING`);
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
