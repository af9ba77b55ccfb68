import { createRoute, z } from "@hono/zod-openapi";
import { AUTHENTICATED_ERRORS, errorResponses, IdempotencyKeyHeader, ListQuery, listSchema } from "../../lib/openapi";
import { requireScope } from "../../middleware/scope";
import { EVENT_TYPES } from "../../services/events";
import { API_KEY_SECURITY, IdParam, Timestamp } from "../shared.schemas";
import { RedeliverBody, RedeliveredSchema } from "../webhooks/webhooks.schemas";

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

export const redeliverEventRoute = createRoute({
  method: "post",
  path: "/api/v1/events/{id}/redeliver",
  tags,
  summary: "Redeliver an event to webhooks",
  description:
    "Scope `admin`, like the rest of webhooks. Sends an event of the last 30 days again, as new deliveries (same `webhook-id`, so receivers can deduplicate): to `webhookId` if given, else to every enabled endpoint subscribed to its type. The body is optional. A disabled `webhookId` → 409.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: {
    params: IdParam("id", "evt_6yTq2Rk9mNb4Xc8Vw1Lp0S"),
    headers: IdempotencyKeyHeader,
    body: { required: false, content: { "application/json": { schema: RedeliverBody } } },
  },
  responses: {
    202: { description: "Queued for delivery.", content: { "application/json": { schema: RedeliveredSchema } } },
    ...errorResponses(400, 404, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS),
  },
});
