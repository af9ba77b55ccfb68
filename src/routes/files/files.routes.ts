import { createRoute } from "@hono/zod-openapi";
import { errorResponses, ProblemSchema } from "../../lib/openapi";
import {
  binary,
  ExportFileParam,
  FileTokenQuery,
  LogoIdParam,
  RecordingFileParam,
  TranscriptFileParam,
} from "./files.schemas";

export const getRoomLogoRoute = createRoute({
  operationId: "getRoomLogoFile",
  method: "get",
  path: "/files/room-logos/{logoId}",
  tags: ["Rooms"],
  security: [],
  summary: "A room logo (public)",
  description: "No authentication: logos are shown to everyone in the room. The URL comes from `logoUrl`.",
  request: { params: LogoIdParam },
  responses: {
    200: {
      description: "The image.",
      content: { "image/png": { schema: binary }, "image/jpeg": { schema: binary } },
    },
    ...errorResponses(404, 500),
  },
});

export const recordingFileRoute = createRoute({
  operationId: "getRecordingFile",
  method: "get",
  path: "/files/recordings/{recordingId}",
  tags: ["Recordings"],
  summary: "Download a recording through an access link",
  description:
    "No API key: the signed `token` from `access-link` opens exactly this recording until it expires. Supports `HEAD`, `If-None-Match` (304) and a single `Range` (206 with `Content-Range`; 416 when unsatisfiable). A tampered, expired or other-recording token → 403; so is any link while the recording's organization is suspended or cancelled (links work again if it is reactivated).",
  security: [],
  request: { params: RecordingFileParam, query: FileTokenQuery },
  responses: {
    200: { description: "The whole file.", content: { "application/octet-stream": { schema: binary } } },
    206: { description: "The requested range.", content: { "application/octet-stream": { schema: binary } } },
    304: { description: "`If-None-Match` matched the file's `ETag`: the client's copy is current." },
    ...errorResponses(400, 403, 404, 500),
    416: {
      description:
        "The range starts past the end of the file: a problem with code `validation_error` (the closed code set has no range code) and `Content-Range: bytes */<size>`.",
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  },
});

export const transcriptFileRoute = createRoute({
  operationId: "getTranscriptFile",
  method: "get",
  path: "/files/transcripts/{transcriptionId}",
  tags: ["Transcriptions"],
  summary: "Read a transcript through an access link",
  description:
    "No API key: the signed `token` from the transcription's `access-link` opens exactly this transcript, as Markdown (speaker renames as of now), until it expires. A tampered, expired, other-transcript or recording token → 403; so is any link while the organization is suspended or cancelled.",
  security: [],
  request: { params: TranscriptFileParam, query: FileTokenQuery },
  responses: {
    200: { description: "The Markdown transcript.", content: { "text/markdown": { schema: binary } } },
    ...errorResponses(400, 403, 404, 500),
  },
});

export const exportFileRoute = createRoute({
  method: "get",
  path: "/files/exports/{exportId}",
  operationId: "downloadExport",
  tags: ["Exports"],
  summary: "Download an export through its access link",
  description:
    "No API key: the signed `token` from the export's `accessLink` opens exactly this export's JSON document until it expires (one hour). A tampered, expired or other-object token → 403; so is any link while the organization is suspended or cancelled. Every download is recorded in the audit log.",
  security: [],
  request: { params: ExportFileParam, query: FileTokenQuery },
  responses: {
    200: { description: "The JSON document.", content: { "application/json": { schema: binary } } },
    ...errorResponses(400, 403, 404, 500),
  },
});
