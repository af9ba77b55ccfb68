import { createRoute, z } from "@hono/zod-openapi";
import { AUTHENTICATED_ERRORS, errorResponses, IdempotencyKeyHeader, ListQuery, listSchema } from "../../lib/openapi";
import { requireScope } from "../../middleware/scope";
import { MAX_PARTS } from "../../services/recording-uploads";
import { RECORDING_TYPES } from "../../storage/media-types";
import { API_KEY_SECURITY } from "../shared.schemas";
import {
  binary,
  CompleteUploadBody,
  CreateUploadBody,
  RecordingIdParam,
  RecordingSchema,
  SORTS,
  UploadQuery,
  UploadSchema,
} from "./recordings.schemas";

const tags = ["Recordings"];
const recordingJson = { "application/json": { schema: RecordingSchema } };
const rawBody = Object.fromEntries([...RECORDING_TYPES.keys()].map((type) => [type, { schema: binary }]));

export const uploadRecordingRoute = createRoute({
  method: "post",
  path: "/api/v1/recordings",
  tags,
  summary: "Upload a recording (direct, up to 100 MB = 100,000,000 bytes)",
  description:
    "Scope `write`. The raw file is the body, with its `Content-Type` and `Content-Length`; it is streamed to storage, never buffered. The declared type must be an allowed audio/video type and match the file's first bytes (415 otherwise). Emits `recording.finished`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: { query: UploadQuery, headers: IdempotencyKeyHeader, body: { required: true, content: rawBody } },
  responses: {
    201: { description: "The stored recording.", content: recordingJson },
    ...errorResponses(400, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const listRecordingsRoute = createRoute({
  method: "get",
  path: "/api/v1/recordings",
  tags,
  summary: "List recordings",
  description: "Scope `read`. Finished recordings; `sortBy` is `field:asc|desc` (default `createdAt:desc`).",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: {
    query: ListQuery.extend({
      meetingId: z.string().max(64).optional(),
      roomName: z.string().max(200).optional().openapi({ description: "Exact room name, with or without the slash." }),
      sortBy: z.enum(SORTS).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of recordings.",
      content: { "application/json": { schema: listSchema(RecordingSchema, "RecordingList") } },
    },
    ...errorResponses(400, ...AUTHENTICATED_ERRORS),
  },
});

export const getRecordingRoute = createRoute({
  method: "get",
  path: "/api/v1/recordings/{recordingId}",
  tags,
  summary: "Get a recording",
  description: "Scope `read`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: { params: RecordingIdParam },
  responses: {
    200: { description: "The recording.", content: recordingJson },
    ...errorResponses(404, ...AUTHENTICATED_ERRORS),
  },
});

export const deleteRecordingRoute = createRoute({
  method: "delete",
  path: "/api/v1/recordings/{recordingId}",
  tags,
  summary: "Delete a recording",
  description: "Scope `write`. The row and the stored bytes are removed; emits `recording.deleted`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: { params: RecordingIdParam },
  responses: { 204: { description: "Deleted." }, ...errorResponses(404, ...AUTHENTICATED_ERRORS) },
});

export const bulkDeleteRoute = createRoute({
  method: "post",
  path: "/api/v1/recordings/bulk-delete",
  tags,
  summary: "Delete up to 100 recordings in the background",
  description:
    "Scope `write`. Answers 204 at once; a queue consumer deletes them. Idempotent; unknown ids and other organizations' ids are ignored.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .strictObject({ recordingIds: z.array(z.string().min(1).max(64)).min(1).max(100) })
            .openapi("BulkDeleteRequest"),
        },
      },
    },
  },
  responses: { 204: { description: "Accepted." }, ...errorResponses(400, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS) },
});

export const accessLinkRoute = createRoute({
  method: "get",
  path: "/api/v1/recordings/{recordingId}/access-link",
  tags,
  summary: "A time-limited download link",
  description:
    "Scope `read`. The link is served by Parley (`/files/recordings/…?token=…`), needs no API key, supports `HEAD` and single `Range` requests, and stops working at `expires` or when `FILE_TOKEN_SECRET` is rotated.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: {
    params: RecordingIdParam,
    query: z.strictObject({
      validForSeconds: z.coerce.number().int().min(1).max(43_200).default(3_600).openapi({ example: 3600 }),
    }),
  },
  responses: {
    200: {
      description: "The link.",
      content: {
        "application/json": {
          schema: z
            .object({
              accessLink: z.string(),
              expires: z.number().int().openapi({ description: "Epoch milliseconds." }),
            })
            .openapi("AccessLink"),
        },
      },
    },
    ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS),
  },
});

const uploadParam = z.object({
  uploadId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "uploadId", in: "path" } }),
});

export const createUploadRoute = createRoute({
  method: "post",
  path: "/api/v1/recordings/uploads",
  tags,
  summary: "Start a multipart upload (up to 5 GB)",
  description: "Scope `write`. Then PUT each part, then complete. Unfinished uploads are aborted after 24 h.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: CreateUploadBody } } },
  },
  responses: {
    201: { description: "The upload.", content: { "application/json": { schema: UploadSchema } } },
    ...errorResponses(400, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const uploadPartRoute = createRoute({
  method: "put",
  path: "/api/v1/recordings/uploads/{uploadId}/parts/{partNumber}",
  tags,
  summary: "Upload one part",
  description: `Scope \`write\`. Raw bytes with \`Content-Length\`; at most \`partSize\` bytes; part numbers 1–${MAX_PARTS}. \`Content-Type\` is \`application/octet-stream\`, an allowed recording type, or absent (415 otherwise). Re-sending a part replaces it.`,
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    params: uploadParam.extend({
      partNumber: z.coerce
        .number()
        .int()
        .min(1)
        .max(MAX_PARTS)
        .openapi({ param: { name: "partNumber", in: "path" }, example: 1 }),
    }),
    body: { required: true, content: { "application/octet-stream": { schema: binary }, ...rawBody } },
  },
  responses: {
    200: {
      description: "The part's etag, for the completion call.",
      content: {
        "application/json": {
          schema: z.object({ partNumber: z.number().int(), etag: z.string() }).openapi("UploadedPart"),
        },
      },
    },
    ...errorResponses(400, 404, 413, 415, ...AUTHENTICATED_ERRORS),
  },
});

export const completeUploadRoute = createRoute({
  method: "post",
  path: "/api/v1/recordings/uploads/{uploadId}/complete",
  tags,
  summary: "Complete a multipart upload",
  description: `Scope \`write\`. Lists every part 1…n (at most ${MAX_PARTS}) with its etag; checked against what was uploaded. Emits \`recording.finished\`. Safe to retry: repeated with the same parts after the upload completed (also when the first answer was lost), it answers 201 with the recording again and emits and counts nothing twice; with other parts, or while a completion is still running, it is 409. A completion whose worker died is finished by a retry or by the scheduled sweeper (after two minutes if R2 had not completed it).`,
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    params: uploadParam,
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: CompleteUploadBody } } },
  },
  responses: {
    201: { description: "The recording.", content: recordingJson },
    ...errorResponses(400, 404, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const abortUploadRoute = createRoute({
  method: "delete",
  path: "/api/v1/recordings/uploads/{uploadId}",
  tags,
  summary: "Abort a multipart upload",
  description:
    "Scope `write`. Uploaded parts are discarded; nothing is left behind. 409 while a completion of the upload is running.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: { params: uploadParam },
  responses: { 204: { description: "Aborted." }, ...errorResponses(404, 409, ...AUTHENTICATED_ERRORS) },
});
