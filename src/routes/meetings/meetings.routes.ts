import { createRoute, z } from "@hono/zod-openapi";
import { AUTHENTICATED_ERRORS, errorResponses, IdempotencyKeyHeader, ListQuery, listSchema } from "../../lib/openapi";
import { requireScope } from "../../middleware/scope";
import { API_KEY_SECURITY } from "../shared.schemas";
import { CreateMeetingBody, FieldsQuery, MeetingIdParam, MeetingSchema } from "./meetings.schemas";

const tags = ["Meetings"];
const meetingJson = { "application/json": { schema: MeetingSchema } };

export const createMeetingRoute = createRoute({
  method: "post",
  path: "/api/v1/meetings",
  tags,
  summary: "Create a meeting",
  description:
    "Scope `write`. Creates a transient room usable until one hour after `endDate`, then deleted automatically (`meeting.expired`). Emits `meeting.created`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: CreateMeetingBody } } },
  },
  responses: {
    201: { description: "The meeting.", content: meetingJson },
    ...errorResponses(400, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const listMeetingsRoute = createRoute({
  method: "get",
  path: "/api/v1/meetings",
  tags,
  summary: "List meetings",
  description: "Scope `read`. Live meetings, newest first; keyset-paginated.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: {
    query: ListQuery.extend(FieldsQuery.shape).extend({
      roomNamePrefix: z
        .string()
        .max(39)
        .regex(/^[A-Za-z0-9-]*$/)
        .optional()
        .openapi({ description: "Only meetings whose room name starts with `/<prefix>`.", example: "team" }),
    }),
  },
  responses: {
    200: {
      description: "A page of meetings.",
      content: { "application/json": { schema: listSchema(MeetingSchema, "MeetingList") } },
    },
    ...errorResponses(400, ...AUTHENTICATED_ERRORS),
  },
});

export const getMeetingRoute = createRoute({
  method: "get",
  path: "/api/v1/meetings/{meetingId}",
  tags,
  summary: "Get a meeting",
  description: "Scope `read`. A meeting past `endDate + 1 h` is 404 even before the cleanup job has run.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: { params: MeetingIdParam, query: FieldsQuery },
  responses: {
    200: { description: "The meeting.", content: meetingJson },
    ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS),
  },
});

export const deleteMeetingRoute = createRoute({
  method: "delete",
  path: "/api/v1/meetings/{meetingId}",
  tags,
  summary: "Delete a meeting",
  description:
    "Scope `write`. Deletes the meeting and its room theme; emits `meeting.deleted`. Idempotent: deleting an already deleted or expired meeting of this organization is 204.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("write")] as const,
  request: { params: MeetingIdParam },
  responses: { 204: { description: "Deleted." }, ...errorResponses(404, ...AUTHENTICATED_ERRORS) },
});
