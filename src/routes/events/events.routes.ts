import { createRoute, z } from "@hono/zod-openapi";
import { AUTHENTICATED_ERRORS, errorResponses, ListQuery, listSchema } from "../../lib/openapi";
import { requireScope } from "../../middleware/scope";
import { EVENT_TYPES } from "../../services/events";
import { API_KEY_SECURITY, IdParam, Timestamp } from "../shared.schemas";

const tags = ["Events"];

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_6yTq2Rk9mNb4Xc8Vw1Lp0S" }),
    type: z.enum(EVENT_TYPES),
    createdAt: Timestamp,
    data: z.record(z.string(), z.unknown()).openapi({
      description: "Thin payload: ids and small fields (the same `data` webhooks carry).",
      example: { meetingId: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx", roomName: "/team-ab3xyz" },
    }),
  })
  .openapi("Event");

export const listEventsRoute = createRoute({
  method: "get",
  path: "/api/v1/events",
  tags,
  summary: "List events",
  description: "Scope `read`. Every event emitted in the last 30 days, newest first.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: {
    query: ListQuery.extend({
      type: z
        .enum(EVENT_TYPES)
        .optional()
        .openapi({ description: "Only events of this type.", example: "meeting.created" }),
    }),
  },
  responses: {
    200: {
      description: "A page of events.",
      content: { "application/json": { schema: listSchema(EventSchema, "EventList") } },
    },
    ...errorResponses(400, ...AUTHENTICATED_ERRORS),
  },
});

export const getEventRoute = createRoute({
  method: "get",
  path: "/api/v1/events/{id}",
  tags,
  summary: "Get an event",
  description: "Scope `read`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("read")] as const,
  request: { params: IdParam("id", "evt_6yTq2Rk9mNb4Xc8Vw1Lp0S") },
  responses: {
    200: { description: "The event.", content: { "application/json": { schema: EventSchema } } },
    ...errorResponses(404, ...AUTHENTICATED_ERRORS),
  },
});
