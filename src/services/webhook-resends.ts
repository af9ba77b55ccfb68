import type { Database } from "../db/client";
import { findEvent, insertEvent } from "../db/queries/events";
import { listEnabledWebhooks } from "../db/queries/webhooks";
import { ApiError } from "../lib/errors";
import type { Queues } from "../queues/producer";
import { EVENT_RETENTION_MS, newEvent } from "./events";
import { deliverAgain } from "./webhook-deliveries";
import { getWebhookRow, subscribes } from "./webhooks";

/**
 * Records a `webhook.test` event and delivers it to this endpoint only. The event is in the log
 * (and can be redelivered) but is marked fanned out, so it never goes to subscribers.
 */
export async function sendTestEvent(queues: Queues, db: Database, orgId: string, endpointId: string, now = Date.now()) {
  const endpoint = await getWebhookRow(db, orgId, endpointId);
  if (endpoint.status !== "enabled") {
    throw new ApiError("conflict", "This endpoint is disabled; enable it (PATCH status) before sending a test.");
  }
  const event = newEvent(orgId, "webhook.test", { webhookId: endpoint.id, message: "Hello from Parley" }, now);
  // The event and its delivery are written together: never a test event that nobody sends.
  const insert = insertEvent(db, event, { enqueuedAt: now, fannedOutAt: now });
  const [delivery] = await deliverAgain(queues, db, event, [endpoint], now, [insert]);
  return { eventId: event.id, deliveryId: delivery?.id as string };
}

/**
 * Sends an event of the last 30 days again, as new deliveries: to one endpoint when named,
 * otherwise to every enabled endpoint subscribed to its type (a test event only to its endpoint).
 */
export async function redeliverEvent(
  queues: Queues,
  db: Database,
  orgId: string,
  eventId: string,
  webhookId: string | undefined,
  now = Date.now(),
) {
  const event = await findEvent(db, orgId, eventId, now - EVENT_RETENTION_MS);
  if (!event) throw new ApiError("not_found", `No event ${eventId}.`);
  const targetId = webhookId ?? (event.type === "webhook.test" ? String(event.data.webhookId) : undefined);
  let targets: { id: string }[];
  if (targetId !== undefined) {
    const endpoint = await getWebhookRow(db, orgId, targetId);
    if (endpoint.status !== "enabled") {
      throw new ApiError("conflict", `Webhook endpoint ${endpoint.id} is disabled; enable it first.`);
    }
    targets = [endpoint];
  } else {
    const enabled = await listEnabledWebhooks(db, orgId);
    targets = enabled.filter((endpoint) => subscribes(endpoint, event.type));
  }
  return { eventId: event.id, deliveries: await deliverAgain(queues, db, event, targets, now) };
}
