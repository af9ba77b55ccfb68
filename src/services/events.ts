import { and, desc, eq, gt, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type EventRow, events } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, olderThan, toPage } from "../lib/pagination";
import { iso } from "../lib/time";
import type { WebhookQueueMessage } from "../queues/messages";

export { EVENT_TYPES, type EventType } from "./event-types";

import type { EventType } from "./event-types";

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

export function newEvent(orgId: string, type: EventType, data: Record<string, unknown>, now = Date.now()): DomainEvent {
  return { id: newId("evt"), orgId, type, data, createdAt: now };
}

/** The insert for an event, to run in the same `db.batch()` as the change it describes. */
export function recordEvent(db: Database, event: DomainEvent) {
  return db.insert(events).values({ ...event, enqueuedAt: null });
}

/** Records the event only if `condition` holds when the batch runs (e.g. the row is still live). */
export function recordEventWhere(event: DomainEvent, condition: SQL) {
  return sql`
    INSERT INTO ${events} (id, org_id, type, data, created_at)
    SELECT ${event.id}, ${event.orgId}, ${event.type}, ${JSON.stringify(event.data)}, ${event.createdAt}
    WHERE ${condition}`;
}

/**
 * Puts recorded events on the `webhooks` queue and marks them enqueued. If this never runs (the
 * isolate died), the outbox sweeper finds the unmarked rows and sends them: at least once.
 * Ids travel in batches (one message per page of events), so publishing 1,000 events costs one
 * queue send and one D1 statement; the consumer reads the events themselves from D1.
 */
export async function publishEvents(env: Env, db: Database, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  // One message per 1,000 ids (~32 KB): a sendBatch of several could pass the 256 KB batch limit.
  for (let i = 0; i < eventIds.length; i += EVENT_IDS_PER_MESSAGE) {
    const body: WebhookQueueMessage = { kind: "events.v1", eventIds: eventIds.slice(i, i + EVENT_IDS_PER_MESSAGE) };
    await env.WEBHOOKS_QUEUE.send(body);
  }
  // One bound parameter whatever the count: D1 binds at most 100 per statement.
  await db.run(
    sql`UPDATE ${events} SET enqueued_at = ${Date.now()} WHERE id IN (SELECT value FROM json_each(${JSON.stringify(eventIds)}))`,
  );
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
  const rows = await db
    .select()
    .from(events)
    .where(
      and(
        eq(events.orgId, orgId),
        gt(events.createdAt, now - EVENT_RETENTION_MS),
        query.type ? eq(events.type, query.type) : undefined,
        after ? olderThan(after, events.createdAt, events.id) : undefined,
      ),
    )
    .orderBy(desc(events.createdAt), desc(events.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (r) => ({ v: r.createdAt, id: r.id }), toPublicEvent);
}

export async function getEvent(db: Database, orgId: string, eventId: string, now = Date.now()): Promise<PublicEvent> {
  const row = (
    await db
      .select()
      .from(events)
      .where(and(eq(events.id, eventId), eq(events.orgId, orgId), gt(events.createdAt, now - EVENT_RETENTION_MS)))
      .limit(1)
  )[0];
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
export async function republishStrandedEvents(env: Env, db: Database, now: number, limit = 500): Promise<number> {
  const stranded = await db
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        isNull(events.fannedOutAt),
        lt(events.createdAt, now - 60_000),
        or(isNull(events.enqueuedAt), lt(events.enqueuedAt, now - FAN_OUT_OVERDUE_MS)),
      ),
    )
    .limit(limit);
  await publishEvents(
    env,
    db,
    stranded.map((e) => e.id),
  );
  return stranded.length;
}
