import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  claimCancelledOrganizations,
  deleteCancelledOrganization,
  deleteRecordingRows,
  deleteRoomThemeRows,
  deleteTenantRowsStatements,
  findLegacyLogoThemes,
  findOpenUploads,
  renewPurgeClaim,
} from "../db/queries/organization-purge";
import { orgR2Prefixes } from "../db/tenants";
import { roomLogoKey } from "../storage/keys";

/** A cancelled organization's data is deleted this long after cancellation (SPEC §2, §9). */
export const PURGE_AFTER_MS = 30 * 24 * 60 * 60 * 1000;
/** A purge nobody advanced for this long (its queue message was lost or dead-lettered) is claimed again. */
export const PURGE_CLAIM_STALE_MS = 10 * 60 * 1000;
/** Rows per table per batch, objects per R2 list/delete (R2's own maximum). */
const ROW_PAGE = 1000;
const OBJECT_PAGE = 1000;
/** Uploads aborted and legacy logos deleted per round: one R2 call each. */
const CALL_PAGE = 50;

export interface PurgeDeps {
  db: Database;
  bucket: R2Bucket;
  /** Deletes everything the organization's Durable Object stores. */
  purgeGateStorage(orgId: string): Promise<void>;
}

/**
 * Claims organizations due for purge (cancelled more than 30 days ago, not being purged), a bounded page
 * per run; the caller starts one purge per id. A purge whose worker died is claimed again after 10 minutes.
 */
export function claimDuePurges(db: Database, now: number, limit = 10): Promise<string[]> {
  return claimCancelledOrganizations(db, {
    cancelledBefore: now - PURGE_AFTER_MS,
    staleBefore: now - PURGE_CLAIM_STALE_MS,
    now,
    limit,
  });
}

type Round = "more" | "done";

/**
 * One bounded round: open multipart uploads, then R2 objects (legacy logos, then every registered prefix),
 * then one page of every tenant table, then the Durable Object's storage, then the organization row.
 * Each phase is derived from what is still stored, so a round that crashed is simply run again.
 */
async function purgeRound(deps: PurgeDeps, orgId: string): Promise<Round> {
  const { db, bucket } = deps;
  const uploads = await findOpenUploads(db, orgId, CALL_PAGE);
  if (uploads.length > 0) {
    for (const upload of uploads) {
      // Already completed or aborted in R2: nothing left to abort.
      await bucket
        .resumeMultipartUpload(upload.r2Key, upload.r2UploadId as string)
        .abort()
        .catch(() => {});
    }
    await deleteRecordingRows(
      db,
      orgId,
      uploads.map((u) => u.id),
    );
    return "more";
  }
  const legacyLogos = await findLegacyLogoThemes(db, orgId, CALL_PAGE);
  if (legacyLogos.length > 0) {
    await bucket.delete(legacyLogos.map((theme) => roomLogoKey(theme.logoId as string)));
    await deleteRoomThemeRows(
      db,
      orgId,
      legacyLogos.map((theme) => theme.roomName),
    );
    return "more";
  }
  let objects = 0;
  for (const prefix of orgR2Prefixes(orgId)) {
    const listed = await bucket.list({ prefix, limit: OBJECT_PAGE });
    if (listed.objects.length === 0) continue;
    await bucket.delete(listed.objects.map((object) => object.key));
    objects += listed.objects.length;
  }
  if (objects > 0) return "more";
  const deleted = await sqlBatch(db, deleteTenantRowsStatements(orgId, ROW_PAGE));
  // A round that deleted nothing proves every table empty; only then does the organization go.
  if (deleted.some((result) => (result.meta.changes ?? 0) > 0)) return "more";
  await deps.purgeGateStorage(orgId);
  await deleteCancelledOrganization(db, orgId);
  return "done";
}

/**
 * Advances the purge of one organization by at most `rounds` bounded rounds. "more" when the caller
 * should continue (in a fresh invocation); "done" when the organization is gone or not due for purge
 * (reactivated, or not cancelled long enough): idempotent, so duplicate or late messages are harmless.
 */
export async function purgeOrganization(deps: PurgeDeps, orgId: string, now: number, rounds = 10): Promise<Round> {
  for (let round = 0; round < rounds; round++) {
    if (!(await renewPurgeClaim(deps.db, orgId, now - PURGE_AFTER_MS, Date.now()))) return "done";
    if ((await purgeRound(deps, orgId)) === "done") return "done";
  }
  return "more";
}
