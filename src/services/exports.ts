import type { Database } from "../db/client";
import { type DataExportRow, findExportRow, insertExport, listExportRows } from "../db/queries/exports";
import {
  deleteExportRows,
  findExpiredExports,
  findReadyExportForDownload,
  findStalledExports,
} from "../db/queries/system";
import type { DataExportState } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import { iso, isoOrNull } from "../lib/time";
import type { Queues } from "../queues/producer";
import { exportKey } from "../storage/keys";
import { signFileToken } from "./access-links";
import {
  type ExportLimits,
  type ExportWriteMessage,
  failExport,
  initialProgress,
  writeExportStep,
} from "./export-writer";

/** Exports (row and document) are deleted this long after they are asked for (SPEC §9). */
export const EXPORT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How long one access link opens the document; a GET of the export hands out a fresh one. */
export const EXPORT_LINK_MS = 60 * 60 * 1000;
/** Deliveries of one step after which an export is given up (the queue's own limit is higher). */
export const EXPORT_MAX_ATTEMPTS = 5;

export interface DataExport {
  exportId: string;
  state: DataExportState;
  createdAt: string;
  completedAt: string | null;
  sizeInBytes: number | null;
  accessLink: string | null;
  expires: string;
}

/** Where links point and what signs them. */
export interface LinkConfig {
  baseUrl: string;
  fileTokenSecret: string;
}

export async function toExport(row: DataExportRow, links: LinkConfig, now = Date.now()): Promise<DataExport> {
  let accessLink: string | null = null;
  if (row.state === "ready") {
    const token = await signFileToken(
      links.fileTokenSecret,
      row.id,
      Math.min(now + EXPORT_LINK_MS, row.expiresAt),
      "export",
    );
    accessLink = `${links.baseUrl}/files/exports/${row.id}?token=${token}`;
  }
  return {
    exportId: row.id,
    state: row.state,
    createdAt: iso(row.createdAt),
    completedAt: isoOrNull(row.completedAt),
    sizeInBytes: row.sizeInBytes,
    accessLink,
    expires: iso(row.expiresAt),
  };
}

/**
 * Starts an export: opens the R2 multipart upload the document is written into, records the export and
 * queues its first step. The upload is opened here, once, so a redelivered first message cannot open two.
 */
export async function createExport(
  deps: { db: Database; bucket: R2Bucket; queues: Queues },
  orgId: string,
  baseUrl: string,
  now = Date.now(),
): Promise<DataExportRow> {
  const id = newId("exp");
  const upload = await deps.bucket.createMultipartUpload(exportKey(orgId, id), {
    httpMetadata: { contentType: "application/json" },
  });
  const row: DataExportRow = {
    id,
    orgId,
    state: "in_progress",
    progress: { ...initialProgress(upload.uploadId, baseUrl, now) },
    sizeInBytes: null,
    error: null,
    createdAt: now,
    completedAt: null,
    expiresAt: now + EXPORT_RETENTION_MS,
  };
  await insertExport(deps.db, row);
  await deps.queues.storageJobs.send({ kind: "exports.write.v1", orgId, exportId: id, step: 0 });
  return row;
}

export async function getExport(db: Database, orgId: string, exportId: string): Promise<DataExportRow> {
  const row = await findExportRow(db, orgId, exportId);
  if (!row) throw new ApiError("not_found", `No export ${exportId}.`);
  return row;
}

export async function listExports(
  db: Database,
  orgId: string,
  query: { limit: number; cursor?: string },
  links: LinkConfig,
) {
  const rows = await listExportRows(db, orgId, { after: decodeCursor(query.cursor), limit: query.limit });
  const page = toPage(
    rows,
    query.limit,
    (r) => ({ v: r.createdAt, id: r.id }),
    (r) => r,
  );
  return { results: await Promise.all(page.results.map((r) => toExport(r, links))), cursor: page.cursor };
}

/** A ready export by id alone, for a download whose token names it. */
export function findDownloadableExport(db: Database, exportId: string) {
  return findReadyExportForDownload(db, exportId);
}

export interface ExportJobDeps {
  db: Database;
  bucket: R2Bucket;
  queues: Queues;
  roomBaseUrl: string;
  limits: ExportLimits;
}

/**
 * Runs one delivery of an export's write message. A message for an export that is gone or no longer in
 * progress does nothing. After `EXPORT_MAX_ATTEMPTS` failed deliveries the export is failed (its upload
 * aborted) instead of retried again.
 */
export async function runExportJob(deps: ExportJobDeps, job: ExportWriteMessage, attempts: number) {
  const row = await findExportRow(deps.db, job.orgId, job.exportId);
  if (row?.state !== "in_progress") return "skipped";
  const writer = { ...deps, queue: deps.queues.storageJobs };
  try {
    return await writeExportStep(writer, job, row);
  } catch (error) {
    if (attempts < EXPORT_MAX_ATTEMPTS) throw error;
    await failExport(deps, job, row.progress, "The export could not be written; ask for a new one.");
    return "failed";
  }
}

const RETENTION_PAGE = 100;

/** Deletes exports past their 7 days, documents first (an unfinished upload is aborted), a bounded page per run. */
export async function deleteExpiredExports(db: Database, bucket: R2Bucket, now: number): Promise<number> {
  const expired = await findExpiredExports(db, now, RETENTION_PAGE);
  if (expired.length === 0) return 0;
  for (const row of expired) {
    const uploadId = row.state === "in_progress" ? (row.progress as { uploadId?: string } | null)?.uploadId : null;
    if (uploadId) {
      await bucket
        .resumeMultipartUpload(exportKey(row.orgId, row.id), uploadId)
        .abort()
        .catch(() => {});
    }
  }
  await bucket.delete(expired.map((row) => exportKey(row.orgId, row.id)));
  await deleteExportRows(
    db,
    expired.map((row) => row.id),
  );
  return expired.length;
}

/** An export whose progress is older than this has lost its queue message (an invocation died after saving). */
export const EXPORT_STALL_MS = 10 * 60 * 1000;

/**
 * Sends again the message of exports that stopped advancing: a step that saved its progress and died before
 * handing over. A step still running is not disturbed: a second delivery of a step does nothing.
 */
export async function resumeStalledExports(db: Database, queues: Queues, now: number): Promise<number> {
  const stalled = await findStalledExports(db, now - EXPORT_STALL_MS, RETENTION_PAGE);
  if (stalled.length === 0) return 0;
  await queues.storageJobs.sendBatch(
    stalled.map((row) => ({
      body: { kind: "exports.write.v1", orgId: row.orgId, exportId: row.id, step: row.step },
    })),
  );
  return stalled.length;
}
