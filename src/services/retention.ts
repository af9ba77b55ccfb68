import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import { purgeAuditLogStatement, purgeExpiredRecordsStatements } from "../db/queries/system";
import { auditRetentionCutoff } from "./audit-log";
import { EVENT_RETENTION_MS } from "./events";
import { DELIVERY_RETENTION_MS } from "./webhook-delivery-log";

const PURGE_PAGE = 5000;
/** Deleted meetings, transcriptions and summaries are remembered this long so DELETE stays idempotent. */
const TOMBSTONE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Drops events, webhook deliveries and tombstones older than 30 days and audit rows older than 12 months, a
 * bounded page each, across organizations.
 */
export async function purgeExpiredRecords(db: Database, now: number): Promise<void> {
  await sqlBatch(db, [
    ...purgeExpiredRecordsStatements({
      eventsBefore: now - EVENT_RETENTION_MS,
      tombstonesBefore: now - TOMBSTONE_MS,
      deliveriesBefore: now - DELIVERY_RETENTION_MS,
      page: PURGE_PAGE,
    }),
    purgeAuditLogStatement(auditRetentionCutoff(now), PURGE_PAGE),
  ]);
}
