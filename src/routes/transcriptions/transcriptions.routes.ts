import { z } from "@hono/zod-openapi";
import { ListQuery, listSchema } from "../../lib/openapi";
import { TRANSCRIPT_IMPORT_MAX_BYTES } from "../../middleware/body-limit";
import { TRANSCRIPT_MEDIA } from "../../services/transcript-export";
import { AccessLinkQuery, AccessLinkSchema } from "../recordings/recordings.schemas";
import { protectedRoute } from "../route-kit";
import { CREATE_TRANSCRIPTION_EXAMPLES, TRANSCRIPTION_EXAMPLE } from "./transcriptions.examples";
import {
  BulkDeleteBody,
  binary,
  CreateTranscriptionBody,
  InsightsSchema,
  MAX_SEGMENT_TEXT,
  MAX_SEGMENTS,
  SORTS,
  SpeakerRenames,
  TranscriptionIdParam,
  TranscriptionSchema,
  TranscriptQuery,
} from "./transcriptions.schemas";

const tags = ["Transcriptions"];
const transcriptionJson = { "application/json": { schema: TranscriptionSchema, example: TRANSCRIPTION_EXAMPLE } };
const params = TranscriptionIdParam;

export const createTranscriptionRoute = protectedRoute({
  operationId: "createTranscription",
  method: "post",
  path: "/api/v1/transcriptions",
  tags,
  summary: "Transcribe a recording, or import a transcript",
  description: `Three bodies. \`{ recordingId, language? }\` transcribes a \`ready\` recording of this organization through the AI queue: 201 with \`state: "in_progress"\`, then \`transcription.started\` and \`transcription.finished\` (or \`transcription.failed\`); 409 while the recording is uploading; 503 \`ai_unavailable\` when no OpenAI key is configured. Speaker labels are \`Speaker 1\`, \`Speaker 2\`, … in order of first appearance; recordings over \`OPENAI_TRANSCRIBE_MAX_BYTES\` are split (WAV only) and each chunk's speakers get labels of their own, which renaming merges. \`{ segments, meetingId?, roomName?, language? }\` (1–${MAX_SEGMENTS} segments, \`0 ≤ start ≤ end\` in seconds, text ≤ ${MAX_SEGMENT_TEXT} characters) and \`{ format: "vtt"|"srt", content, … }\` import a transcript: 201 \`IMPORTED\` and \`ready\` at once, free. Malformed subtitles are 400 with line numbers. Bodies are limited to ${TRANSCRIPT_IMPORT_MAX_BYTES / 1024 / 1024} MiB (413).`,
  scope: "write",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: CreateTranscriptionBody, examples: CREATE_TRANSCRIPTION_EXAMPLES } },
    },
  },
  errors: [404, 503],
  responses: { 201: { description: "The transcription.", content: transcriptionJson } },
});

export const listTranscriptionsRoute = protectedRoute({
  operationId: "listTranscriptions",
  method: "get",
  path: "/api/v1/transcriptions",
  tags,
  summary: "List transcriptions",
  description: "Newest first by default; `sortBy` is `field:asc|desc` (default `createdAt:desc`).",
  scope: "read",
  request: {
    query: ListQuery.extend({
      meetingId: z.string().max(64).optional(),
      roomName: z.string().max(200).optional().openapi({ description: "Exact room name, with or without the slash." }),
      state: z.enum(["in_progress", "ready", "failed"]).optional(),
      sortBy: z.enum(SORTS).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of transcriptions.",
      content: { "application/json": { schema: listSchema(TranscriptionSchema, "TranscriptionList") } },
    },
  },
});

export const getTranscriptionRoute = protectedRoute({
  operationId: "getTranscription",
  method: "get",
  path: "/api/v1/transcriptions/{transcriptionId}",
  tags,
  summary: "Get a transcription",
  scope: "read",
  request: { params },
  errors: [404],
  responses: { 200: { description: "The transcription.", content: transcriptionJson } },
});

export const deleteTranscriptionRoute = protectedRoute({
  operationId: "deleteTranscription",
  method: "delete",
  path: "/api/v1/transcriptions/{transcriptionId}",
  tags,
  summary: "Delete a transcription",
  description:
    "Its segments, summary and stored AI results go with it. Idempotent: deleting it again (or after a bulk delete) answers 204 for 30 days; an id this organization never had (unknown, or another organization's) is 404.",
  scope: "write",
  request: { params },
  errors: [404],
  responses: { 204: { description: "Deleted (or deleted before)." } },
});

export const bulkDeleteTranscriptionsRoute = protectedRoute({
  operationId: "bulkDeleteTranscriptions",
  method: "post",
  path: "/api/v1/transcriptions/bulk-delete",
  tags,
  summary: "Delete up to 100 transcriptions in the background",
  description:
    "Answers 204 at once; a queue consumer deletes them. Idempotent; unknown ids and other organizations' ids are ignored.",
  scope: "write",
  request: { body: { required: true, content: { "application/json": { schema: BulkDeleteBody } } } },
  responses: { 204: { description: "Accepted." } },
});

export const transcriptRoute = protectedRoute({
  operationId: "getTranscript",
  method: "get",
  path: "/api/v1/transcriptions/{transcriptionId}/transcript",
  tags,
  summary: "Export the transcript",
  description:
    "`json` (default), `txt`, `md`, `vtt` or `srt`, streamed, as an attachment named `<transcriptionId>.<format>`; speaker renames applied (`json` keeps the raw `speakerLabel` too). 409 unless the transcription is `ready`.",
  scope: "read",
  request: { params, query: TranscriptQuery },
  errors: [404, 409],
  responses: {
    200: {
      description: "The transcript file.",
      content: Object.fromEntries(
        Object.values(TRANSCRIPT_MEDIA).map((m) => [m.contentType.split(";")[0] as string, { schema: binary }]),
      ),
    },
  },
});

export const renameSpeakersRoute = protectedRoute({
  operationId: "renameSpeakers",
  method: "put",
  path: "/api/v1/transcriptions/{transcriptionId}/speakers",
  tags,
  summary: "Rename speakers",
  description:
    'Keys are raw labels of this transcript (an unknown one is 400), values display names of 1–100 characters; `null` removes a rename, labels not named keep theirs. Renames overlay the raw labels, which stay: exports, insights and AI generations made afterwards use the names. Rename two labels to one name to merge them (e.g. the same person labelled separately in two chunks of a long recording). Example: `{ "Speaker 1": "Alice", "Speaker 3": "Alice" }`.',
  scope: "write",
  request: { params, body: { required: true, content: { "application/json": { schema: SpeakerRenames } } } },
  errors: [404],
  responses: { 200: { description: "The transcription, renames applied.", content: transcriptionJson } },
});

export const transcriptAccessLinkRoute = protectedRoute({
  operationId: "getTranscriptAccessLink",
  method: "get",
  path: "/api/v1/transcriptions/{transcriptionId}/access-link",
  tags,
  summary: "A time-limited link to the Markdown transcript",
  description:
    "The link is served by Parley (`/files/transcripts/…?token=…`), needs no API key, serves the transcript as Markdown (renames as of the download), and stops working at `expires`, when `FILE_TOKEN_SECRET` is rotated, or while the organization is suspended. A recording's link cannot open a transcript, nor the reverse. 409 unless the transcription is `ready`.",
  scope: "read",
  request: { params, query: AccessLinkQuery },
  errors: [404, 409],
  responses: { 200: { description: "The link.", content: { "application/json": { schema: AccessLinkSchema } } } },
});

export const insightsRoute = protectedRoute({
  operationId: "getTranscriptionInsights",
  method: "get",
  path: "/api/v1/transcriptions/{transcriptionId}/insights",
  tags,
  summary: "Talk-time insights",
  description:
    "Free and deterministic (SPEC §6.3), computed from the segments with renames applied, so labels renamed to one name count as one speaker. 409 unless the transcription is `ready`.",
  scope: "read",
  request: { params },
  errors: [404, 409],
  responses: { 200: { description: "The insights.", content: { "application/json": { schema: InsightsSchema } } } },
});
