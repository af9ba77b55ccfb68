import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { EventType } from "../../contracts/events";

/** The event log: every domain event, kept 30 days, and the outbox for webhook fan-out. */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    type: text("type").$type<EventType>().notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
    /** Set once the event is on the `webhooks` queue. */
    enqueuedAt: integer("enqueued_at"),
    /** Set once its webhook deliveries exist; until then the outbox sweeper keeps re-publishing it. */
    fannedOutAt: integer("fanned_out_at"),
  },
  (t) => [
    index("events_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("events_org_type_created_idx").on(t.orgId, t.type, t.createdAt, t.id),
    index("events_created_idx").on(t.createdAt),
    index("events_unfanned_idx").on(t.createdAt).where(sql`fanned_out_at IS NULL`),
  ],
);

export type EventRow = typeof events.$inferSelect;
