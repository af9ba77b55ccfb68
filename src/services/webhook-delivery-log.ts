import { and, desc, eq, gt } from "drizzle-orm";
import type { Database } from "../db/client";
import { type DeliveryStatus, type WebhookDeliveryRow, webhookDeliveries } from "../db/schema";
import { decodeCursor, olderThan, toPage } from "../lib/pagination";
import { iso, isoOrNull } from "../lib/time";
import { EVENT_RETENTION_MS } from "./events";

/** Deliveries are logged as long as the events they carry. */
export const DELIVERY_RETENTION_MS = EVENT_RETENTION_MS;

export function toDelivery(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    webhookId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    attempt: row.attempt,
    status: row.status,
    responseStatus: row.responseStatus,
    durationMs: row.durationMs,
    error: row.error,
    nextAttemptAt: row.status === "pending" ? isoOrNull(row.nextAttemptAt) : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** One endpoint's deliveries of the last 30 days, newest first (the endpoint is checked by the caller). */
export async function listDeliveries(
  db: Database,
  orgId: string,
  endpointId: string,
  query: { limit: number; cursor?: string; status?: DeliveryStatus },
  now = Date.now(),
) {
  const after = decodeCursor(query.cursor);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.orgId, orgId),
        eq(webhookDeliveries.endpointId, endpointId),
        gt(webhookDeliveries.createdAt, now - DELIVERY_RETENTION_MS),
        query.status ? eq(webhookDeliveries.status, query.status) : undefined,
        after ? olderThan(after, webhookDeliveries.createdAt, webhookDeliveries.id) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (r) => ({ v: r.createdAt, id: r.id }), toDelivery);
}
