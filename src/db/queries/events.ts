import { and, desc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { EventType } from "../../contracts/events";
import { type Cursor, olderThan } from "../../lib/pagination";
import type { Database } from "../client";
import { type EventRow, events } from "../schema";

type NewEvent = Pick<EventRow, "id" | "orgId" | "type" | "data" | "createdAt">;

/** The insert (not yet run) for an event, to go in the same batch as the change it describes. */
export function insertEvent(
  db: Database,
  event: NewEvent,
  marks: Partial<Pick<EventRow, "enqueuedAt" | "fannedOutAt">> = {},
) {
  return db.insert(events).values({ ...event, enqueuedAt: null, ...marks });
}

/** The insert (not yet run) of an event that happens only if `condition` holds when the batch runs. */
export function insertEventWhere(event: NewEvent, condition: SQL): SQL {
  return sql`
    INSERT INTO ${events} (id, org_id, type, data, created_at)
    SELECT ${event.id}, ${event.orgId}, ${event.type}, ${JSON.stringify(event.data)}, ${event.createdAt}
    WHERE ${condition}`;
}

/** Marks events as put on the queue; one bound parameter whatever the count (D1 binds at most 100). */
export async function markEventsEnqueued(db: Database, eventIds: string[], now: number): Promise<void> {
  await db.run(
    sql`UPDATE ${events} SET enqueued_at = ${now} WHERE id IN (SELECT value FROM json_each(${JSON.stringify(eventIds)}))`,
  );
}

export function listEventRows(
  db: Database,
  orgId: string,
  query: { since: number; type?: EventType; after: Cursor | null; limit: number },
) {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.orgId, orgId),
        gt(events.createdAt, query.since),
        query.type ? eq(events.type, query.type) : undefined,
        query.after ? olderThan(query.after, events.createdAt, events.id) : undefined,
      ),
    )
    .orderBy(desc(events.createdAt), desc(events.id))
    .limit(query.limit + 1);
}

/** This organization's event, if created after `since`. */
export async function findEvent(
  db: Database,
  orgId: string,
  eventId: string,
  since: number,
): Promise<EventRow | undefined> {
  return (
    await db
      .select()
      .from(events)
      .where(and(eq(events.id, eventId), eq(events.orgId, orgId), gt(events.createdAt, since)))
      .limit(1)
  )[0];
}
