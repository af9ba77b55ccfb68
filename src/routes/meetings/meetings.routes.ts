import { z } from "@hono/zod-openapi";
import { ListQuery, listSchema } from "../../lib/openapi";
import { protectedRoute } from "../route-kit";
import { CREATE_MEETING_EXAMPLE, MEETING_EXAMPLE } from "./meetings.examples";
import { CreateMeetingBody, FieldsQuery, MeetingIdParam, MeetingSchema } from "./meetings.schemas";

const tags = ["Meetings"];
const meetingJson = { "application/json": { schema: MeetingSchema, example: MEETING_EXAMPLE } };

export const createMeetingRoute = protectedRoute({
  operationId: "createMeeting",
  method: "post",
  path: "/api/v1/meetings",
  tags,
  summary: "Create a meeting",
  description:
    "Creates a transient room usable until one hour after `endDate`, then deleted automatically (`meeting.expired`). Emits `meeting.created`.",
  scope: "write",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: CreateMeetingBody, example: CREATE_MEETING_EXAMPLE } },
    },
  },
  responses: {
    201: { description: "The meeting.", content: meetingJson },
  },
});

export const listMeetingsRoute = protectedRoute({
  operationId: "listMeetings",
  method: "get",
  path: "/api/v1/meetings",
  tags,
  summary: "List meetings",
  description: "Live meetings, newest first; keyset-paginated.",
  scope: "read",
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
  },
});

export const getMeetingRoute = protectedRoute({
  operationId: "getMeeting",
  method: "get",
  path: "/api/v1/meetings/{meetingId}",
  tags,
  summary: "Get a meeting",
  description: "A meeting past `endDate + 1 h` is 404 even before the cleanup job has run.",
  scope: "read",
  request: { params: MeetingIdParam, query: FieldsQuery },
  errors: [404],
  responses: {
    200: { description: "The meeting.", content: meetingJson },
  },
});

export const deleteMeetingRoute = protectedRoute({
  operationId: "deleteMeeting",
  method: "delete",
  path: "/api/v1/meetings/{meetingId}",
  tags,
  summary: "Delete a meeting",
  description:
    "Deletes the meeting and its room theme; emits `meeting.deleted`. Idempotent: deleting an already deleted or expired meeting of this organization is 204.",
  scope: "write",
  request: { params: MeetingIdParam },
  errors: [404],
  responses: { 204: { description: "Deleted." } },
});
