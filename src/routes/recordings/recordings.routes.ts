import { z } from "@hono/zod-openapi";
import { ListQuery, listSchema } from "../../lib/openapi";
import { MAX_PARTS } from "../../services/recording-uploads";
import { RECORDING_TYPES } from "../../storage/media-types";
import { protectedRoute } from "../route-kit";
import { CREATE_UPLOAD_EXAMPLE, RECORDING_EXAMPLE, UPLOAD_EXAMPLE } from "./recordings.examples";
import {
  AccessLinkQuery,
  AccessLinkSchema,
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
const recordingJson = { "application/json": { schema: RecordingSchema, example: RECORDING_EXAMPLE } };
const rawBody = Object.fromEntries([...RECORDING_TYPES.keys()].map((type) => [type, { schema: binary }]));

export const uploadRecordingRoute = protectedRoute({
  operationId: "uploadRecording",
  method: "post",
  path: "/api/v1/recordings",
  tags,
  summary: "Upload a recording (direct, up to 100 MB = 100,000,000 bytes)",
  description:
    "The raw file is the body, with its `Content-Type` and `Content-Length`; it is streamed to storage, never buffered. The declared type must be an allowed audio/video type and match the file's first bytes (415 otherwise). Emits `recording.finished`.",
  scope: "write",
  request: { query: UploadQuery, body: { required: true, content: rawBody } },
  responses: {
    201: { description: "The stored recording.", content: recordingJson },
  },
});

export const listRecordingsRoute = protectedRoute({
  operationId: "listRecordings",
  method: "get",
  path: "/api/v1/recordings",
  tags,
  summary: "List recordings",
  description: "Finished recordings; `sortBy` is `field:asc|desc` (default `createdAt:desc`).",
  scope: "read",
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
  },
});

export const getRecordingRoute = protectedRoute({
  operationId: "getRecording",
  method: "get",
  path: "/api/v1/recordings/{recordingId}",
  tags,
  summary: "Get a recording",
  scope: "read",
  request: { params: RecordingIdParam },
  errors: [404],
  responses: {
    200: { description: "The recording.", content: recordingJson },
  },
});

export const deleteRecordingRoute = protectedRoute({
  operationId: "deleteRecording",
  method: "delete",
  path: "/api/v1/recordings/{recordingId}",
  tags,
  summary: "Delete a recording",
  description: "The row and the stored bytes are removed; emits `recording.deleted`.",
  scope: "write",
  request: { params: RecordingIdParam },
  errors: [404],
  responses: { 204: { description: "Deleted." } },
});

export const bulkDeleteRoute = protectedRoute({
  operationId: "bulkDeleteRecordings",
  method: "post",
  path: "/api/v1/recordings/bulk-delete",
  tags,
  summary: "Delete up to 100 recordings in the background",
  description:
    "Answers 204 at once; a queue consumer deletes them. Idempotent; unknown ids and other organizations' ids are ignored.",
  scope: "write",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .strictObject({ recordingIds: z.array(z.string().min(1).max(64)).min(1).max(100) })
            .openapi("BulkDeleteRequest", {
              description: "Recordings to delete in the background (unknown and other organizations' ids are ignored).",
            }),
        },
      },
    },
  },
  responses: { 204: { description: "Accepted." } },
});

export const accessLinkRoute = protectedRoute({
  operationId: "getRecordingAccessLink",
  method: "get",
  path: "/api/v1/recordings/{recordingId}/access-link",
  tags,
  summary: "A time-limited download link",
  description:
    "The link is served by Parley (`/files/recordings/…?token=…`), needs no API key, supports `HEAD` and single `Range` requests, and stops working at `expires` or when `FILE_TOKEN_SECRET` is rotated.",
  scope: "read",
  request: {
    params: RecordingIdParam,
    query: AccessLinkQuery,
  },
  errors: [404],
  responses: {
    200: {
      description: "The link.",
      content: {
        "application/json": {
          schema: AccessLinkSchema,
        },
      },
    },
  },
});

const uploadParam = z.object({
  uploadId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "uploadId", in: "path" } }),
});

export const createUploadRoute = protectedRoute({
  operationId: "createRecordingUpload",
  method: "post",
  path: "/api/v1/recordings/uploads",
  tags,
  summary: "Start a multipart upload (up to 5 GB)",
  description: "Then PUT each part, then complete. Unfinished uploads are aborted after 24 h.",
  scope: "write",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: CreateUploadBody, example: CREATE_UPLOAD_EXAMPLE } },
    },
  },
  responses: {
    201: {
      description: "The upload.",
      content: { "application/json": { schema: UploadSchema, example: UPLOAD_EXAMPLE } },
    },
  },
});

export const uploadPartRoute = protectedRoute({
  operationId: "uploadRecordingPart",
  method: "put",
  path: "/api/v1/recordings/uploads/{uploadId}/parts/{partNumber}",
  tags,
  summary: "Upload one part",
  description: `Raw bytes with \`Content-Length\`; at most \`partSize\` bytes; part numbers 1–${MAX_PARTS}. \`Content-Type\` is \`application/octet-stream\`, an allowed recording type, or absent (415 otherwise). Re-sending a part replaces it.`,
  scope: "write",
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
  errors: [404],
  responses: {
    200: {
      description: "The part's etag, for the completion call.",
      content: {
        "application/json": {
          schema: z.object({ partNumber: z.number().int(), etag: z.string() }).openapi("UploadedPart", {
            description: "One stored part of a multipart upload; send its `etag` back on complete.",
          }),
        },
      },
    },
  },
});

export const completeUploadRoute = protectedRoute({
  operationId: "completeRecordingUpload",
  method: "post",
  path: "/api/v1/recordings/uploads/{uploadId}/complete",
  tags,
  summary: "Complete a multipart upload",
  description: `Lists every part 1…n (at most ${MAX_PARTS}) with its etag; checked against what was uploaded. Emits \`recording.finished\`. Safe to retry: repeated with the same parts after the upload completed (also when the first answer was lost), it answers 201 with the recording again and emits and counts nothing twice; with other parts, or while a completion is still running, it is 409. A completion whose worker died is finished by a retry or by the scheduled sweeper (after two minutes if R2 had not completed it).`,
  scope: "write",
  request: {
    params: uploadParam,
    body: { required: true, content: { "application/json": { schema: CompleteUploadBody } } },
  },
  errors: [404],
  responses: {
    201: { description: "The recording.", content: recordingJson },
  },
});

export const abortUploadRoute = protectedRoute({
  operationId: "abortRecordingUpload",
  method: "delete",
  path: "/api/v1/recordings/uploads/{uploadId}",
  tags,
  summary: "Abort a multipart upload",
  description: "Uploaded parts are discarded; nothing is left behind. 409 while a completion of the upload is running.",
  scope: "write",
  request: { params: uploadParam },
  errors: [404, 409],
  responses: { 204: { description: "Aborted." } },
});
