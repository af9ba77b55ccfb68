import { listSchema } from "../../lib/openapi";
import { protectedRoute } from "../route-kit";
import { CREATE_SUMMARY_EXAMPLE, SUMMARY_EXAMPLE } from "./summaries.examples";
import { CreateSummaryBody, ListSummariesQuery, SummaryIdParam, SummarySchema } from "./summaries.schemas";

const tags = ["Summaries"];
const summaryJson = { "application/json": { schema: SummarySchema, example: SUMMARY_EXAMPLE } };

export const createSummaryRoute = protectedRoute({
  operationId: "createSummary",
  method: "post",
  path: "/api/v1/summaries",
  tags,
  summary: "Summarise a transcription",
  description:
    'One summary per transcription (another → 409; delete it to summarise again); the transcription must be `ready` (409). Answers 201 with `state: "in_progress"`; a queued job writes it, then `summary.finished` (or `summary.failed`, with a readable `error`). It uses one AI generation of the month, reserved now: 429 `ai_limit_exceeded` at once when the month\'s are used up; refunded if the job fails. Long transcripts are summarised map-reduce, never truncated.',
  scope: "write",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: CreateSummaryBody, example: CREATE_SUMMARY_EXAMPLE } },
    },
  },
  errors: [404, 409, 429],
  responses: { 201: { description: "The summary, in progress.", content: summaryJson } },
});

export const listSummariesRoute = protectedRoute({
  operationId: "listSummaries",
  method: "get",
  path: "/api/v1/summaries",
  tags,
  summary: "List summaries",
  description: "Newest first.",
  scope: "read",
  request: { query: ListSummariesQuery },
  responses: {
    200: {
      description: "A page of summaries.",
      content: { "application/json": { schema: listSchema(SummarySchema, "SummaryList") } },
    },
  },
});

export const getSummaryRoute = protectedRoute({
  operationId: "getSummary",
  method: "get",
  path: "/api/v1/summaries/{summaryId}",
  tags,
  summary: "Get a summary",
  scope: "read",
  request: { params: SummaryIdParam },
  errors: [404],
  responses: { 200: { description: "The summary.", content: summaryJson } },
});

export const deleteSummaryRoute = protectedRoute({
  operationId: "deleteSummary",
  method: "delete",
  path: "/api/v1/summaries/{summaryId}",
  tags,
  summary: "Delete a summary",
  description:
    "The transcription can then be summarised again. Deleting a summary in progress refunds its generation unless it was already written. Idempotent: deleting it again (or after its transcription was deleted) answers 204 for 30 days; an id this organization never had (unknown, or another organization's) is 404.",
  scope: "write",
  request: { params: SummaryIdParam },
  errors: [404],
  responses: { 204: { description: "Deleted." } },
});
