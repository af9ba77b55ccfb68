import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GateConfig } from "../../durable-objects/org-gate";
import { type AppEnv, fileTokenSecret } from "../../env";
import { ApiError } from "../../lib/errors";
import { contentDisposition, etagMatches, parseRange } from "../../lib/http-files";
import { validationHook } from "../../lib/openapi";
import { type FileKind, verifyFileToken } from "../../services/access-links";
import { findDownloadableExport } from "../../services/exports";
import { findDownloadableRecording } from "../../services/recordings";
import { findDownloadableTranscription, transcriptFile } from "../../services/transcript-reads";
import { exportKey, roomLogoKey } from "../../storage/keys";
import type { exportFileRoute, getRoomLogoRoute, recordingFileRoute, transcriptFileRoute } from "./files.routes";

export const getRoomLogo: RouteHandler<typeof getRoomLogoRoute, AppEnv> = async (c) => {
  const object = await c.var.deps.bucket.get(roomLogoKey(c.req.valid("param").logoId));
  if (!object) throw new ApiError("not_found", "No such logo.");
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  headers.set("Content-Length", String(object.size));
  headers.set("Cache-Control", "public, max-age=300");
  return new Response(object.body, { status: 200, headers }) as never;
};

/** A link opened without its `token` (cut off when copied, or typed by hand) says where links come from. */
export const recordingFileHook: typeof validationHook = (result, c) => {
  if (!result.success && result.target === "query" && !c.req.query("token")) {
    const linkRoute = `/api/v1/recordings/${encodeURIComponent(c.req.param("recordingId") ?? "{recordingId}")}/access-link`;
    const message = `Missing: get a link with its token from GET ${linkRoute}`;
    throw new ApiError(
      "validation_error",
      `This download link needs its \`token\` query parameter (…?token=…). Ask for a new link, token included, with GET ${linkRoute} (an API key with scope \`read\`).`,
      { errors: [{ location: "query.token", message }] },
    );
  }
  return validationHook(result, c);
};

const LINK_REFUSALS: Partial<Record<GateConfig["status"], string>> = {
  suspended: "This organization's access is suspended; its links work again once it is reactivated.",
  cancelled: "This organization's access has ended: the organization is cancelled.",
};

/** The recording a valid link opens, with its stored object's head; refused while its organization may not serve it. */
async function linkedRecording(c: Context<AppEnv>, recordingId: string, token: string) {
  await checkToken(c, token, recordingId, "recording");
  const { db, bucket } = c.var.deps;
  const row = await findDownloadableRecording(db, recordingId);
  // The organization's gate is asked on every request rather than cached per isolate: a suspension then
  // closes every link at once, and the call runs alongside the R2 lookup, so it costs a hop to an object
  // that is usually warm but no extra wait. A short per-isolate cache would spare that hop (players send
  // many Range requests) at the price of links that keep working for its TTL after a suspension.
  const [head, orgStatus] = row
    ? await Promise.all([bucket.head(row.r2Key), c.var.deps.gateOf(row.orgId).organizationStatus(row.orgId)])
    : [null, null];
  if (!row || !head || !orgStatus) throw new ApiError("not_found", "This recording no longer exists.");
  refuseInactive(orgStatus);
  return { row, head };
}

async function checkToken(c: Context<AppEnv>, token: string, id: string, kind: FileKind) {
  if (!(await verifyFileToken(fileTokenSecret(c.env), token, id, kind))) {
    throw new ApiError("forbidden", "This link is invalid or has expired; ask for a new access link.");
  }
}

function refuseInactive(orgStatus: GateConfig["status"]) {
  const refusal = LINK_REFUSALS[orgStatus];
  if (refusal) throw new ApiError("forbidden", refusal);
}

export const getTranscriptFile: RouteHandler<typeof transcriptFileRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  await checkToken(c, c.req.valid("query").token, transcriptionId, "transcript");
  const db = c.var.deps.db;
  const row = await findDownloadableTranscription(db, transcriptionId);
  if (!row) throw new ApiError("not_found", "This transcript no longer exists.");
  const orgStatus = await c.var.deps.gateOf(row.orgId).organizationStatus(row.orgId);
  if (!orgStatus) throw new ApiError("not_found", "This transcript no longer exists.");
  refuseInactive(orgStatus);
  const file = transcriptFile(db, row, "md");
  const headers = {
    "Content-Type": file.contentType,
    "Content-Disposition": `attachment; filename="${file.filename}"`,
    "Cache-Control": "private, no-store",
  };
  return new Response(file.body, { status: 200, headers }) as never;
};

export const getRecordingFile: RouteHandler<typeof recordingFileRoute, AppEnv> = async (c) => {
  const { row, head } = await linkedRecording(c, c.req.valid("param").recordingId, c.req.valid("query").token);
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Content-Type": row.contentType,
    ETag: head.httpEtag,
    "Content-Disposition": contentDisposition(row.filename),
    "Cache-Control": "private, no-store",
  });
  // A client that already holds this version gets 304 (the object never changes under its key).
  if (etagMatches(c.req.header("if-none-match"), head.httpEtag)) {
    headers.delete("Content-Disposition");
    return new Response(null, { status: 304, headers }) as never;
  }
  const range = parseRange(c.req.header("range"), head.size);
  if (range === null) {
    throw new ApiError("validation_error", `The requested range is outside the file's ${head.size} bytes.`, {
      headers: { "Content-Range": `bytes */${head.size}` },
      status: 416,
    });
  }
  const status = range ? 206 : 200;
  headers.set("Content-Length", String(range ? range.length : head.size));
  if (range) headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
  if (c.req.method === "HEAD") return new Response(null, { status, headers }) as never;
  const object = await c.var.deps.bucket.get(row.r2Key, range ? { range } : {});
  if (!object) throw new ApiError("not_found", "This recording no longer exists.");
  return new Response(object.body, { status, headers }) as never;
};

export const getExportFile: RouteHandler<typeof exportFileRoute, AppEnv> = async (c) => {
  const { exportId } = c.req.valid("param");
  await checkToken(c, c.req.valid("query").token, exportId, "export");
  const row = await findDownloadableExport(c.var.deps.db, exportId);
  const [object, orgStatus] = row
    ? await Promise.all([
        c.var.deps.bucket.get(exportKey(row.orgId, row.id)),
        c.var.deps.gateOf(row.orgId).organizationStatus(row.orgId),
      ])
    : [null, null];
  if (!row || !object || !orgStatus) throw new ApiError("not_found", "This export no longer exists.");
  // Every download is audited, whatever its outcome from here on (no API key names the organization).
  c.set("auditContext", { orgId: row.orgId, objectId: row.id });
  refuseInactive(orgStatus);
  const headers = {
    // No Content-Length of our own: the runtime sets it from the R2 body, or drops it when it compresses.
    "Content-Type": "application/json",
    "Content-Disposition": `attachment; filename="parley-export-${row.id}.json"`,
    "Cache-Control": "private, no-store",
  };
  return new Response(object.body, { status: 200, headers }) as never;
};
