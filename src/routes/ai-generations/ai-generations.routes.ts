import { protectedRoute } from "../route-kit";
import { TranscriptionIdParam } from "../transcriptions/transcriptions.schemas";
import {
  EmailBody,
  EmailSchema,
  FEEDBACK_RULE,
  FeedbackBody,
  FeedbackQuery,
  FeedbackSchema,
  KeypointsBody,
  KeypointsSchema,
  QueryAnswerSchema,
  QueryBody,
} from "./ai-generations.schemas";

const tags = ["AI generations"];
const params = TranscriptionIdParam;
const json = <S>(schema: S) => ({ "application/json": { schema } });
const optionalBody = <S>(schema: S) => ({ required: false, content: json(schema) });

const CACHED_GET =
  "The stored result (200, `cached: true`, free), or 404 when none was generated for these parameters and the speaker names in force (a rename makes earlier results stale). 409 unless the transcription is `ready`.";
const CACHED_POST =
  "Returns the stored result for the same parameters and speaker names (200, `cached: true`, free), else generates one (201, `cached: false`) using one AI generation of the month; `forceRefresh: true` always generates. 429 `ai_limit_exceeded` when the month's generations are used up; 503 `ai_unavailable` when the AI provider fails (the generation is refunded). 409 unless the transcription is `ready`.";

export const getKeypointsRoute = protectedRoute({
  operationId: "getKeypoints",
  method: "get",
  path: "/api/v1/transcriptions/{transcriptionId}/keypoints",
  tags,
  summary: "Get cached key points",
  description: CACHED_GET,
  scope: "read",
  request: { params },
  errors: [404, 409],
  responses: { 200: { description: "The cached key points.", content: json(KeypointsSchema) } },
});

export const postKeypointsRoute = protectedRoute({
  operationId: "createKeypoints",
  method: "post",
  path: "/api/v1/transcriptions/{transcriptionId}/keypoints",
  tags,
  summary: "Key points: title, sections, decisions, action items, participants, dates",
  description: `${CACHED_POST} The body is optional.`,
  scope: "write",
  request: { params, body: optionalBody(KeypointsBody) },
  errors: [404, 409, 429, 503],
  responses: {
    200: { description: "The cached key points.", content: json(KeypointsSchema) },
    201: { description: "Newly generated key points.", content: json(KeypointsSchema) },
  },
});

export const getFeedbackRoute = protectedRoute({
  operationId: "getFeedback",
  method: "get",
  path: "/api/v1/transcriptions/{transcriptionId}/feedback",
  tags,
  summary: "Get cached speaker feedback",
  description: `${CACHED_GET} ${FEEDBACK_RULE} Without \`speakerName\` it is the feedback generated without one (for the speaker with the most talk time).`,
  scope: "read",
  request: { params, query: FeedbackQuery },
  errors: [404, 409],
  responses: { 200: { description: "The cached feedback.", content: json(FeedbackSchema) } },
});

export const postFeedbackRoute = protectedRoute({
  operationId: "createFeedback",
  method: "post",
  path: "/api/v1/transcriptions/{transcriptionId}/feedback",
  tags,
  summary: "Coaching feedback for one speaker",
  description: `${CACHED_POST} ${FEEDBACK_RULE} Without \`speakerName\` the feedback is for the speaker with the most talk time, and is cached apart from a request naming that speaker. \`talkListenRatio\` comes from the insights' talk times. The body is optional.`,
  scope: "write",
  request: { params, body: optionalBody(FeedbackBody) },
  errors: [404, 409, 429, 503],
  responses: {
    200: { description: "The cached feedback.", content: json(FeedbackSchema) },
    201: { description: "Newly generated feedback.", content: json(FeedbackSchema) },
  },
});

export const postEmailRoute = protectedRoute({
  operationId: "createEmail",
  method: "post",
  path: "/api/v1/transcriptions/{transcriptionId}/email",
  tags,
  summary: "A follow-up email",
  description: `${CACHED_POST} Cached per \`recipientName\` and \`tone\` (default \`professional\`). The body is optional.`,
  scope: "write",
  request: { params, body: optionalBody(EmailBody) },
  errors: [404, 409, 429, 503],
  responses: {
    200: { description: "The cached email.", content: json(EmailSchema) },
    201: { description: "A newly generated email.", content: json(EmailSchema) },
  },
});

export const postQueryRoute = protectedRoute({
  operationId: "queryTranscription",
  method: "post",
  path: "/api/v1/transcriptions/{transcriptionId}/query",
  tags,
  summary: "Ask a question about the transcript",
  description:
    "Never cached: every query uses one AI generation (429 `ai_limit_exceeded` when the month's are used up; 503 `ai_unavailable`, refunded, when the provider fails). Every citation is a real segment of the transcript. 409 unless the transcription is `ready`.",
  scope: "write",
  request: { params, body: { required: true, content: json(QueryBody) } },
  errors: [404, 409, 429, 503],
  responses: { 201: { description: "The answer.", content: json(QueryAnswerSchema) } },
});
