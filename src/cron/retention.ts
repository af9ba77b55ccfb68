import { sql } from "drizzle-orm";
import { sqlBatch } from "../db/batch";
import { createDb } from "../db/client";
import { events, meetings } from "../db/schema";
import { EVENT_RETENTION_MS, republishStrandedEvents } from "../services/events";

const PURGE_PAGE = 5000;
/** Deleted meetings are kept as tombstones this long so DELETE stays idempotent. */
const MEETING_TOMBSTONE_MS = 30 * 24 * 60 * 60 * 1000;

/** Drops events and meeting tombstones older than 30 days, a bounded page per run. */
export async function purgeExpiredRecords(env: Env, now: number): Promise<void> {
  const db = createDb(env.DB);
  await sqlBatch(db, [
    sql`DELETE FROM ${events} WHERE id IN
      (SELECT id FROM ${events} WHERE created_at < ${now - EVENT_RETENTION_MS} LIMIT ${PURGE_PAGE})`,
    sql`DELETE FROM ${meetings} WHERE id IN
      (SELECT id FROM ${meetings} WHERE deleted_at IS NOT NULL AND deleted_at < ${now - MEETING_TOMBSTONE_MS}
       LIMIT ${PURGE_PAGE})`,
  ]);
}

/** Outbox sweep: events whose enqueue never happened (isolate died) are sent now. */
export async function sweepEventOutbox(env: Env, now: number): Promise<number> {
  return republishStrandedEvents(env, createDb(env.DB), now);
}
