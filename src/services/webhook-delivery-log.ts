import type { Database } from "../db/client";
import { listDeliveryRows } from "../db/queries/webhook-deliveries";
import type { DeliveryStatus, WebhookDeliveryRow } from "../db/schema";
import { decodeCursor, toPage } from "../lib/pagination";
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
  const rows = await listDeliveryRows(db, orgId, endpointId, {
    since: now - DELIVERY_RETENTION_MS,
    status: query.status,
    after,
    limit: query.limit,
  });
  return toPage(rows, query.limit, (r) => ({ v: r.createdAt, id: r.id }), toDelivery);
}
