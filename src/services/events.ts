import type { SQL } from "drizzle-orm";
import type { EventData, EventType } from "../contracts/events";
import type { WebhookQueueMessage } from "../contracts/queue-messages";
import type { Database } from "../db/client";
import { findEvent, insertEvent, insertEventWhere, listEventRows, markEventsEnqueued } from "../db/queries/events";
import { findStrandedEventIds } from "../db/queries/system";
import type { EventRow } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import { iso } from "../lib/time";
import type { Queues } from "../queues/producer";

export { EVENT_TYPES, type EventData, type EventType } from "../contracts/events";

/** Events are listed and fetchable for this long, then purged by the retention job. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Event ids per `events.v1` message: 1,000 ids of ~28 bytes stay far below the 128 KB message limit. */
export const EVENT_IDS_PER_MESSAGE = 1000;

export interface DomainEvent {
  id: string;
  orgId: string;
  type: EventType;
  data: Record<string, unknown>;
  createdAt: number;
}

/** A new event; its `data` is typed by the event's schema (`EVENT_DATA`), which the OpenAPI `webhooks` section documents. */
export function newEvent<T extends EventType>(
  orgId: string,
  type: T,
  data: EventData<T>,
  now = Date.now(),
): DomainEvent {
  return { id: newId("evt"), orgId, type, data, createdAt: now };
}

/** The insert for an event, to run in the same `db.batch()` as the change it describes. */
export function recordEvent(db: Database, event: DomainEvent) {
  return insertEvent(db, event);
}

/** Records the event only if `condition` holds when the batch runs (e.g. the row is still live). */
export function recordEventWhere(event: DomainEvent, condition: SQL) {
  return insertEventWhere(event, condition);
}

/**
 * Puts recorded events on the `webhooks` queue and marks them enqueued. If this never runs (the
 * isolate died), the outbox sweeper finds the unmarked rows and sends them: at least once.
 * Ids travel in batches (one message per page of events), so publishing 1,000 events costs one
 * queue send and one D1 statement; the consumer reads the events themselves from D1.
 */
export async function publishEvents(queues: Queues, db: Database, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  // One message per 1,000 ids (~32 KB): a sendBatch of several could pass the 256 KB batch limit.
  for (let i = 0; i < eventIds.length; i += EVENT_IDS_PER_MESSAGE) {
    const body: WebhookQueueMessage = { kind: "events.v1", eventIds: eventIds.slice(i, i + EVENT_IDS_PER_MESSAGE) };
    await queues.webhooks.send(body);
  }
  await markEventsEnqueued(db, eventIds, Date.now());
}

export interface PublicEvent {
  id: string;
  type: EventType;
  createdAt: string;
  data: Record<string, unknown>;
}

export function toPublicEvent(row: EventRow): PublicEvent {
  return { id: row.id, type: row.type, createdAt: iso(row.createdAt), data: row.data };
}

export async function listEvents(
  db: Database,
  orgId: string,
  query: { limit: number; cursor?: string; type?: EventType },
  now = Date.now(),
) {
  const after = decodeCursor(query.cursor);
  const rows = await listEventRows(db, orgId, {
    since: now - EVENT_RETENTION_MS,
    type: query.type,
    after,
    limit: query.limit,
  });
  return toPage(rows, query.limit, (r) => ({ v: r.createdAt, id: r.id }), toPublicEvent);
}

export async function getEvent(db: Database, orgId: string, eventId: string, now = Date.now()): Promise<PublicEvent> {
  const row = await findEvent(db, orgId, eventId, now - EVENT_RETENTION_MS);
  if (!row) throw new ApiError("not_found", `No event ${eventId}.`);
  return toPublicEvent(row);
}

/** A published event not fanned out after this long is assumed lost on the way (e.g. dead-lettered). */
export const FAN_OUT_OVERDUE_MS = 10 * 60 * 1000;

/**
 * Outbox sweeper: re-publishes events never published (the isolate died first) and events
 * published but never fanned out (their queue message was lost or dead-lettered). The fan-out is
 * idempotent, so a slow queue only costs a repeated message, never a duplicate delivery.
 */
export async function republishStrandedEvents(queues: Queues, db: Database, now: number, limit = 500): Promise<number> {
  const stranded = await findStrandedEventIds(db, {
    createdBefore: now - 60_000,
    enqueuedBefore: now - FAN_OUT_OVERDUE_MS,
    limit,
  });
  await publishEvents(queues, db, stranded);
  return stranded.length;
}
