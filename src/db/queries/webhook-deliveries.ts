import { and, desc, eq, gt, type SQL, sql } from "drizzle-orm";
import { type Cursor, olderThan } from "../../lib/pagination";
import type { Database } from "../client";
import { type DeliveryStatus, type WebhookDeliveryRow, webhookDeliveries, webhookEndpoints } from "../schema";

/** Rows per set-based insert: the JSON travels as one bound parameter. */
const ROWS_PER_INSERT = 1000;

export interface NewDelivery {
  id: string;
  orgId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
}

/**
 * Set-based inserts (not yet run) of deliveries, one JSON parameter per 1,000 rows, each row carrying its
 * org. Fan-out rows take round 0, so a repeated fan-out inserts nothing twice; redeliveries take the next round.
 */
export function insertDeliveriesStatements(rows: NewDelivery[], kind: "fanout" | "redeliver", now: number): SQL[] {
  const endpointOf = sql.raw("json_extract(value, '$.endpointId')");
  const eventOf = sql.raw("json_extract(value, '$.eventId')");
  const round =
    kind === "fanout"
      ? sql`0`
      : sql`(SELECT coalesce(max(d.round), 0) + 1 FROM ${webhookDeliveries} d
             WHERE d.endpoint_id = ${endpointOf} AND d.event_id = ${eventOf})`;
  const statements: SQL[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    statements.push(sql`
      INSERT OR IGNORE INTO ${webhookDeliveries}
        (id, org_id, endpoint_id, event_id, event_type, round, attempt, status, next_attempt_at, created_at, updated_at)
      SELECT json_extract(value, '$.id'), json_extract(value, '$.orgId'), ${endpointOf}, ${eventOf},
             json_extract(value, '$.eventType'), ${round}, 0, 'pending', ${now}, ${now}, ${now}
      FROM json_each(${JSON.stringify(rows.slice(i, i + ROWS_PER_INSERT))})`);
  }
  return statements;
}

/** One endpoint's deliveries created after `since`, newest first. */
export function listDeliveryRows(
  db: Database,
  orgId: string,
  endpointId: string,
  query: { since: number; status?: DeliveryStatus; after: Cursor | null; limit: number },
) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.orgId, orgId),
        eq(webhookDeliveries.endpointId, endpointId),
        gt(webhookDeliveries.createdAt, query.since),
        query.status ? eq(webhookDeliveries.status, query.status) : undefined,
        query.after ? olderThan(query.after, webhookDeliveries.createdAt, webhookDeliveries.id) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit + 1);
}

type AttemptColumns = Pick<
  WebhookDeliveryRow,
  "attempt" | "status" | "responseStatus" | "durationMs" | "error" | "nextAttemptAt" | "updatedAt"
>;

/** The update (not yet run) recording attempt `result.attempt`, applied only if the previous attempt is the last recorded. */
export function recordAttemptUpdate(
  db: Database,
  delivery: Pick<WebhookDeliveryRow, "id" | "orgId">,
  result: AttemptColumns,
) {
  return db
    .update(webhookDeliveries)
    .set(result)
    .where(
      and(
        eq(webhookDeliveries.id, delivery.id),
        eq(webhookDeliveries.orgId, delivery.orgId),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempt, result.attempt - 1),
      ),
    );
}

/** Condition for a batch: this run's update of the attempt is the one that landed. */
export function attemptRecordedBy(deliveryId: string, attempt: number, now: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${webhookDeliveries}
                     WHERE id = ${deliveryId} AND attempt = ${attempt} AND updated_at = ${now})`;
}

type Endpoint = { id: string; orgId: string };

/** Statements (not yet run) on the endpoint after an attempt, each applied only while `ours` holds. */
export const endpointAfterAttempt = {
  succeeded: (endpoint: Endpoint, ours: SQL) =>
    sql`UPDATE ${webhookEndpoints} SET failing_since = NULL
        WHERE id = ${endpoint.id} AND org_id = ${endpoint.orgId} AND ${ours}`,
  failed: (endpoint: Endpoint, ours: SQL, now: number) =>
    sql`UPDATE ${webhookEndpoints} SET failing_since = coalesce(failing_since, ${now})
        WHERE id = ${endpoint.id} AND org_id = ${endpoint.orgId} AND ${ours}`,
  /** Whether the endpoint is enabled and failing since `failingBefore` (or at all, when null). */
  disableDue: (endpoint: Endpoint, failingBefore: number | null): SQL =>
    sql`EXISTS (SELECT 1 FROM ${webhookEndpoints}
                WHERE id = ${endpoint.id} AND org_id = ${endpoint.orgId} AND status = 'enabled'
                  AND ${failingBefore === null ? sql`1` : sql`failing_since <= ${failingBefore}`})`,
  disable: (endpoint: Endpoint, reason: string, failingBefore: number | null, ours: SQL, now: number) =>
    sql`UPDATE ${webhookEndpoints} SET status = 'disabled', disabled_reason = ${reason}, updated_at = ${now}
        WHERE id = ${endpoint.id} AND org_id = ${endpoint.orgId} AND status = 'enabled'
          AND ${failingBefore === null ? sql`1` : sql`failing_since <= ${failingBefore}`} AND ${ours}`,
};
