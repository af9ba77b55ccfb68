import { sql } from "drizzle-orm";
import { sqlBatch } from "../db/batch";
import { createDb } from "../db/client";
import { events, meetings, webhookDeliveries } from "../db/schema";
import { EVENT_RETENTION_MS, republishStrandedEvents } from "../services/events";
import { requeueOverdueDeliveries } from "../services/webhook-deliveries";
import { DELIVERY_RETENTION_MS } from "../services/webhook-delivery-log";

const PURGE_PAGE = 5000;
/** Deleted meetings are kept as tombstones this long so DELETE stays idempotent. */
const MEETING_TOMBSTONE_MS = 30 * 24 * 60 * 60 * 1000;

/** Drops events, webhook deliveries and meeting tombstones older than 30 days, a bounded page per run. */
export async function purgeExpiredRecords(env: Env, now: number): Promise<void> {
  const db = createDb(env.DB);
  await sqlBatch(db, [
    sql`DELETE FROM ${events} WHERE id IN
      (SELECT id FROM ${events} WHERE created_at < ${now - EVENT_RETENTION_MS} LIMIT ${PURGE_PAGE})`,
    sql`DELETE FROM ${meetings} WHERE id IN
      (SELECT id FROM ${meetings} WHERE deleted_at IS NOT NULL AND deleted_at < ${now - MEETING_TOMBSTONE_MS}
       LIMIT ${PURGE_PAGE})`,
    sql`DELETE FROM ${webhookDeliveries} WHERE id IN
      (SELECT id FROM ${webhookDeliveries} WHERE created_at < ${now - DELIVERY_RETENTION_MS} LIMIT ${PURGE_PAGE})`,
  ]);
}

/** Delivery attempts whose queue message was lost are queued again. */
export async function sweepOverdueDeliveries(env: Env, now: number): Promise<number> {
  return requeueOverdueDeliveries(env, createDb(env.DB), now);
}

/** Outbox sweep: events whose enqueue never happened (isolate died) are sent now. */
export async function sweepEventOutbox(env: Env, now: number): Promise<number> {
  return republishStrandedEvents(env, createDb(env.DB), now);
}
