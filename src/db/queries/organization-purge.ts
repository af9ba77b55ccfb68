/**
 * Purge of a cancelled organization (SPEC §9): the organization's own rows, walked through the tenant
 * registry, and the bookkeeping of who is purging whom. Every statement is one bounded page.
 */
import { and, eq, sql } from "drizzle-orm";
import { sqlBatch } from "../batch";
import type { Database } from "../client";
import { auditLog, organizations, recordings, roomThemes } from "../schema";
import { TENANT_TABLES } from "../tenants";

/**
 * Claims up to `limit` organizations cancelled before `cancelledBefore` whose purge nobody advanced since
 * `staleBefore` (never claimed, or its worker died), for a purge starting `now`; their ids.
 */
export async function claimCancelledOrganizations(
  db: Database,
  bounds: { cancelledBefore: number; staleBefore: number; now: number; limit: number },
): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`
    UPDATE ${organizations} SET purge_claimed_at = ${bounds.now}
    WHERE id IN (SELECT id FROM ${organizations}
                 WHERE status = 'cancelled' AND cancelled_at < ${bounds.cancelledBefore}
                   AND (purge_claimed_at IS NULL OR purge_claimed_at < ${bounds.staleBefore})
                 ORDER BY cancelled_at LIMIT ${bounds.limit})
    RETURNING id`);
  return rows.map((row) => row.id);
}

/**
 * Renews the purge claim of an organization still cancelled before `cancelledBefore`; false when it is not
 * (reactivated, not yet due, or already gone), and then nothing may be purged.
 */
export async function renewPurgeClaim(
  db: Database,
  orgId: string,
  cancelledBefore: number,
  now: number,
): Promise<boolean> {
  const rows = await db.all<{ id: string }>(sql`
    UPDATE ${organizations} SET purge_claimed_at = ${now}
    WHERE id = ${orgId} AND status = 'cancelled' AND cancelled_at < ${cancelledBefore}
    RETURNING id`);
  return rows.length > 0;
}

/** Multipart uploads of the organization still open in R2 (their parts are not objects a listing finds). */
export function findOpenUploads(db: Database, orgId: string, limit: number) {
  return db
    .select({ id: recordings.id, r2Key: recordings.r2Key, r2UploadId: recordings.r2UploadId })
    .from(recordings)
    .where(and(eq(recordings.orgId, orgId), eq(recordings.status, "uploading"), sql`r2_upload_id IS NOT NULL`))
    .limit(limit);
}

export async function deleteRecordingRows(db: Database, orgId: string, recordingIds: string[]): Promise<void> {
  await db.run(sql`
    DELETE FROM ${recordings}
    WHERE org_id = ${orgId} AND id IN (SELECT value FROM json_each(${JSON.stringify(recordingIds)}))`);
}

/** Room themes of the organization whose logos are stored at the pre-organization key (`room-logos/<logoId>`). */
export function findLegacyLogoThemes(db: Database, orgId: string, limit: number) {
  return db
    .select({ roomName: roomThemes.roomName, logoId: roomThemes.logoId })
    .from(roomThemes)
    .where(and(eq(roomThemes.orgId, orgId), sql`logo_id IS NOT NULL AND instr(logo_id, '.') = 0`))
    .limit(limit);
}

export async function deleteRoomThemeRows(db: Database, orgId: string, roomNames: string[]): Promise<void> {
  await db.run(sql`
    DELETE FROM ${roomThemes}
    WHERE org_id = ${orgId} AND room_name IN (SELECT value FROM json_each(${JSON.stringify(roomNames)}))`);
}

/** One page of every tenant table's rows of the organization, in registry order (children first), as one batch. */
export function deleteTenantRowsStatements(orgId: string, page: number) {
  return TENANT_TABLES.map(
    ({ table, orgColumn }) =>
      sql`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${orgColumn} = ${orgId} LIMIT ${page})`,
  );
}

/**
 * The organization itself, last, with the audit rows that landed since the tables were walked, in one batch
 * (one transaction); only while it is still cancelled. The audit writer inserts only for an organization
 * that exists (`insertAuditRows`), so no row can land after this batch.
 */
export async function deleteCancelledOrganization(db: Database, orgId: string): Promise<boolean> {
  const stillCancelled = sql`EXISTS (SELECT 1 FROM ${organizations} WHERE id = ${orgId} AND status = 'cancelled')`;
  const [, deleted] = await sqlBatch<{ id: string }>(db, [
    sql`DELETE FROM ${auditLog} WHERE org_id = ${orgId} AND ${stillCancelled}`,
    sql`DELETE FROM ${organizations} WHERE id = ${orgId} AND status = 'cancelled' RETURNING id`,
  ]);
  return (deleted?.results.length ?? 0) > 0;
}
