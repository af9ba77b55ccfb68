import type { StorageJobMessage } from "../contracts/queue-messages";
import type { Database } from "../db/client";
import { advanceExportProgress, finishExportRow } from "../db/queries/exports";
import { base64UrlToBytes, bytesToBase64Url } from "../lib/encoding";
import type { Producer } from "../queues/producer";
import { exportKey } from "../storage/keys";
import { DOCUMENT_END, type DocumentPosition, documentChunks } from "./export-document";

export type ExportWriteMessage = Extract<StorageJobMessage, { kind: "exports.write.v1" }>;

/** How much one queue invocation writes. */
export interface ExportLimits {
  /** Bytes per multipart part: R2 wants every part but the last of one size, and at least 5 MiB. */
  partBytes: number;
  /** Parts one invocation uploads before it hands over to the next message. */
  partsPerInvocation: number;
  /** Wall time after which an invocation hands over at its next part boundary. */
  timeBudgetMs: number;
  /** Rows read from D1 per query. */
  pageRows: number;
}

export const EXPORT_LIMITS: ExportLimits = {
  partBytes: 5 * 1024 * 1024,
  partsPerInvocation: 8,
  timeBudgetMs: 60_000,
  pageRows: 500,
};

/**
 * Saved in `data_exports.progress` between invocations. `step` numbers invocations: a message runs only
 * while the export is at its step, so a redelivered message cannot write twice. `tail` holds the bytes
 * written after the last uploaded part (an invocation ends only right after a part, so it is at most one
 * chunk, a row or a segment).
 */
export interface ExportProgress extends DocumentPosition {
  step: number;
  uploadId: string;
  parts: R2UploadedPart[];
  uploadedBytes: number;
  tail: string;
  /** Parley's base URL when the export was asked for (room logos' `logoUrl`). */
  baseUrl: string;
  /** Every part is uploaded; what is left is completing the upload. */
  completing?: boolean;
  /** When this progress was saved: an export whose progress stays this old has lost its message. */
  savedAt: number;
}

export interface ExportWriterDeps {
  db: Database;
  bucket: R2Bucket;
  queue: Producer<StorageJobMessage>;
  roomBaseUrl: string;
  limits: ExportLimits;
}

export function initialProgress(uploadId: string, baseUrl: string, now: number): ExportProgress {
  return {
    step: 0,
    uploadId,
    parts: [],
    uploadedBytes: 0,
    tail: "",
    baseUrl,
    savedAt: now,
    section: 0,
    opened: false,
    cursor: null,
  };
}

const encoder = new TextEncoder();

/**
 * One invocation of an export's writer: continues the document where the last one stopped, uploads up to
 * `partsPerInvocation` parts, saves where it is and enqueues the next step, or completes the upload and
 * marks the export ready. Returns what it did.
 */
export async function writeExportStep(
  deps: ExportWriterDeps,
  job: ExportWriteMessage,
  row: { progress: Record<string, unknown> | null; createdAt: number } | undefined,
): Promise<"skipped" | "continued" | "ready"> {
  const progress = row?.progress as ExportProgress | null | undefined;
  // Another delivery of this step already ran it (or runs it now); a lost hand-over is resent by the sweep.
  if (!row || !progress || progress.step !== job.step) return "skipped";
  const upload = deps.bucket.resumeMultipartUpload(exportKey(job.orgId, job.exportId), progress.uploadId);
  if (progress.completing) return complete(deps, job, upload, progress);

  const { partBytes, partsPerInvocation, timeBudgetMs, pageRows } = deps.limits;
  const startedAt = Date.now();
  const parts = [...progress.parts];
  let uploadedBytes = progress.uploadedBytes;
  const part = new Uint8Array(partBytes);
  const tail = base64UrlToBytes(progress.tail) ?? new Uint8Array();
  part.set(tail);
  let filled = tail.byteLength;
  let uploadedNow = 0;
  const context = {
    db: deps.db,
    orgId: job.orgId,
    exportedAt: row.createdAt,
    roomBaseUrl: deps.roomBaseUrl,
    publicBaseUrl: progress.baseUrl,
    pageRows,
  };
  let position: DocumentPosition = progress;
  for await (const chunk of documentChunks(context, progress)) {
    let bytes = encoder.encode(chunk.text);
    let uploadedByChunk = false;
    while (bytes.byteLength > 0) {
      const n = Math.min(bytes.byteLength, partBytes - filled);
      part.set(bytes.subarray(0, n), filled);
      filled += n;
      bytes = bytes.subarray(n);
      if (filled === partBytes) {
        parts.push(await upload.uploadPart(parts.length + 1, part));
        uploadedBytes += partBytes;
        filled = 0;
        uploadedNow += 1;
        uploadedByChunk = true;
      }
    }
    position = chunk.position;
    if (uploadedByChunk && (uploadedNow >= partsPerInvocation || Date.now() - startedAt >= timeBudgetMs)) {
      const next: ExportProgress = {
        ...progress,
        ...pick(position),
        step: progress.step + 1,
        parts,
        uploadedBytes,
        tail: bytesToBase64Url(part.subarray(0, filled)),
        savedAt: Date.now(),
      };
      if (await advanceExportProgress(deps.db, job.orgId, job.exportId, progress.step, { ...next })) {
        await deps.queue.send({ ...job, step: next.step });
        return "continued";
      }
      return "skipped";
    }
  }
  if (position.section !== DOCUMENT_END) throw new Error("the export document ended early");
  if (filled > 0) {
    parts.push(await upload.uploadPart(parts.length + 1, part.subarray(0, filled)));
    uploadedBytes += filled;
  }
  const done: ExportProgress = {
    ...progress,
    ...pick(position),
    step: progress.step + 1,
    parts,
    uploadedBytes,
    tail: "",
    completing: true,
    savedAt: Date.now(),
  };
  if (!(await advanceExportProgress(deps.db, job.orgId, job.exportId, progress.step, { ...done }))) return "skipped";
  return complete(deps, job, upload, done);
}

const pick = ({ section, opened, cursor }: DocumentPosition): DocumentPosition => ({ section, opened, cursor });

/** Completes the upload (or finds it completed by an invocation that died before saying so) and marks the export ready. */
async function complete(
  deps: ExportWriterDeps,
  job: ExportWriteMessage,
  upload: R2MultipartUpload,
  progress: ExportProgress,
): Promise<"ready"> {
  let size: number;
  try {
    size = (await upload.complete(progress.parts)).size;
  } catch (error) {
    const stored = await deps.bucket.head(exportKey(job.orgId, job.exportId));
    if (!stored) throw error;
    size = stored.size;
  }
  await finishExportRow(deps.db, job.orgId, job.exportId, {
    state: "ready",
    sizeInBytes: size,
    completedAt: Date.now(),
    progress: { invocations: progress.step, parts: progress.parts.length },
  });
  return "ready";
}

/** Gives up on an export: its multipart upload is aborted (its parts freed) and it reads `failed`. */
export async function failExport(
  deps: Pick<ExportWriterDeps, "db" | "bucket">,
  job: Pick<ExportWriteMessage, "orgId" | "exportId">,
  progress: Record<string, unknown> | null,
  reason: string,
): Promise<void> {
  const uploadId = (progress as ExportProgress | null)?.uploadId;
  if (uploadId) {
    await deps.bucket
      .resumeMultipartUpload(exportKey(job.orgId, job.exportId), uploadId)
      .abort()
      .catch(() => {});
  }
  await finishExportRow(deps.db, job.orgId, job.exportId, {
    state: "failed",
    error: reason,
    completedAt: Date.now(),
    progress: null,
  });
}
