import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, fileTokenSecret, publicBaseUrl } from "../../env";
import { ApiError } from "../../lib/errors";
import { mediaTypeOf, pathTo, unsupportedMediaType } from "../../lib/http";
import { abortUpload, completeUpload, createUpload, PART_SIZE, uploadPart } from "../../services/recording-uploads";
import {
  DIRECT_UPLOAD_MAX_BYTES,
  deleteRecordingsLater,
  getRecording,
  listRecordings,
  recordingLinkPath,
  removeRecording,
  toRecording,
  uploadRecording,
} from "../../services/recordings";
import { recordingStored } from "../../services/upload-claims";
import { recordingMediaType } from "../../storage/media-types";
import { requiredLength } from "../../storage/streams";
import {
  type abortUploadRoute,
  type accessLinkRoute,
  type bulkDeleteRoute,
  type completeUploadRoute,
  type createUploadRoute,
  type deleteRecordingRoute,
  getRecordingRoute,
  type listRecordingsRoute,
  type uploadPartRoute,
  type uploadRecordingRoute,
} from "./recordings.routes";

const recordingPath = (recordingId: string) => pathTo(getRecordingRoute.path, { recordingId });

/** Length and stream of a raw upload body, refusing what cannot be stored before reading a byte. */
function rawUpload(c: Context<AppEnv>, maxBytes: number) {
  const length = requiredLength(c.req.header("content-length"));
  if (length > maxBytes) throw new ApiError("payload_too_large", `At most ${maxBytes} bytes here.`);
  if (length === 0 || c.req.raw.body === null) {
    throw new ApiError("validation_error", "The body is empty.", { errors: [{ location: "body", message: "Empty" }] });
  }
  return { length, body: c.req.raw.body };
}

/** The usual slips: no type, a form upload (`curl -F`), a generic type; all want the raw file. */
function notARecordingType(header: string | undefined) {
  const form = mediaTypeOf(header) === "multipart/form-data";
  return unsupportedMediaType(
    header,
    "This route takes the raw file as the body, with the file's own Content-Type: an audio/* or video/* type (mp4, webm, mkv, mp3, wav, m4a, ogg, flac), e.g. `video/webm` or `audio/mpeg`.",
    `${form ? "Send the bytes themselves, not a form: `curl --data-binary @call.webm -H 'Content-Type: video/webm'`. " : ""}Files over 100 MB go through the multipart upload API: POST /api/v1/recordings/uploads.`,
  );
}

export const upload: RouteHandler<typeof uploadRecordingRoute, AppEnv> = async (c) => {
  const contentType = recordingMediaType(c.req.header("content-type"));
  if (!contentType) throw notARecordingType(c.req.header("content-type"));
  const { length, body } = rawUpload(c, DIRECT_UPLOAD_MAX_BYTES);
  const { orgId } = c.get("auth");
  const db = c.var.deps.db;
  const { row, event } = await uploadRecording(db, c.var.deps.bucket, orgId, {
    body,
    contentType,
    length,
    metadata: c.req.valid("query"),
  });
  await c.var.deps.gate.addUsage("storageBytes", row.sizeBytes);
  c.var.deps.publish(event);
  c.header("Location", recordingPath(row.id));
  return c.json(toRecording(row), 201);
};

export const list: RouteHandler<typeof listRecordingsRoute, AppEnv> = async (c) =>
  c.json(await listRecordings(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);

export const get: RouteHandler<typeof getRecordingRoute, AppEnv> = async (c) =>
  c.json(toRecording(await getRecording(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").recordingId)), 200);

export const remove: RouteHandler<typeof deleteRecordingRoute, AppEnv> = async (c) => {
  const { db, bucket, gate } = c.var.deps;
  c.var.deps.publish(await removeRecording(db, bucket, gate, c.get("auth").orgId, c.req.valid("param").recordingId));
  return c.body(null, 204);
};

export const bulkDelete: RouteHandler<typeof bulkDeleteRoute, AppEnv> = async (c) => {
  await deleteRecordingsLater(c.var.deps.queues, c.get("auth").orgId, c.req.valid("json").recordingIds);
  return c.body(null, 204);
};

export const accessLink: RouteHandler<typeof accessLinkRoute, AppEnv> = async (c) => {
  const secret = fileTokenSecret(c.env);
  const row = await getRecording(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").recordingId);
  const expires = Date.now() + c.req.valid("query").validForSeconds * 1000;
  const path = await recordingLinkPath(row, secret, expires);
  return c.json({ accessLink: `${publicBaseUrl(c.env, c.req.url)}${path}`, expires }, 200);
};

export const startUpload: RouteHandler<typeof createUploadRoute, AppEnv> = async (c) => {
  const row = await createUpload(c.var.deps.db, c.var.deps.bucket, c.get("auth").orgId, c.req.valid("json"));
  // The upload becomes this recording, which reads `status: "uploading"` until it is completed.
  c.header("Location", recordingPath(row.id));
  return c.json({ uploadId: row.uploadId as string, recordingId: row.id, partSize: PART_SIZE }, 201);
};

export const putPart: RouteHandler<typeof uploadPartRoute, AppEnv> = async (c) => {
  const { uploadId, partNumber } = c.req.valid("param");
  const type = c.req.header("content-type");
  if (type && !/^application\/octet-stream\b/i.test(type) && !recordingMediaType(type)) {
    throw unsupportedMediaType(
      type,
      "Send each part as raw bytes with `Content-Type: application/octet-stream`, an allowed recording type, or none.",
    );
  }
  const { length, body } = rawUpload(c, PART_SIZE);
  const part = await uploadPart(c.var.deps.db, c.var.deps.bucket, c.get("auth").orgId, {
    uploadId,
    partNumber,
    body,
    length,
  });
  return c.json(part, 200);
};

export const complete: RouteHandler<typeof completeUploadRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  const db = c.var.deps.db;
  const { row, event } = await completeUpload(
    db,
    c.var.deps.bucket,
    orgId,
    c.req.valid("param").uploadId,
    c.req.valid("json").parts,
  );
  // A retry of a finished completion answers the same recording without counting or emitting again.
  if (event) {
    await recordingStored(c.var.deps.queues, c.var.deps.gate, row);
    c.var.deps.publish(event);
  }
  c.header("Location", recordingPath(row.id));
  return c.json(toRecording(row), 201);
};

export const abort: RouteHandler<typeof abortUploadRoute, AppEnv> = async (c) => {
  await abortUpload(c.var.deps.db, c.var.deps.bucket, c.get("auth").orgId, c.req.valid("param").uploadId);
  return c.body(null, 204);
};
