import { z } from "@hono/zod-openapi";
import { ListQuery, listSchema } from "../../lib/openapi";
import { EVENT_TYPES } from "../../services/events";
import { protectedRoute } from "../route-kit";
import { RedeliverBody, RedeliveredSchema } from "../webhooks/webhooks.schemas";
import { EventIdParam, EventSchema } from "./events.schemas";

const tags = ["Events"];

export const listEventsRoute = protectedRoute({
  operationId: "listEvents",
  method: "get",
  path: "/api/v1/events",
  tags,
  summary: "List events",
  description: "Every event emitted in the last 30 days, newest first.",
  scope: "read",
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
  },
});

export const getEventRoute = protectedRoute({
  operationId: "getEvent",
  method: "get",
  path: "/api/v1/events/{eventId}",
  tags,
  summary: "Get an event",
  scope: "read",
  request: { params: EventIdParam },
  errors: [404],
  responses: {
    200: { description: "The event.", content: { "application/json": { schema: EventSchema } } },
  },
});

export const redeliverEventRoute = protectedRoute({
  operationId: "redeliverEvent",
  method: "post",
  path: "/api/v1/events/{eventId}/redeliver",
  tags,
  summary: "Redeliver an event to webhooks",
  description:
    "Sends an event of the last 30 days again, as new deliveries (same `webhook-id`, so receivers can deduplicate): to `webhookId` if given, else to every enabled endpoint subscribed to its type. The body is optional. A disabled `webhookId` → 409.",
  scope: "admin",
  scopeNote: ", like the rest of webhooks",
  request: {
    params: EventIdParam,
    body: { required: false, content: { "application/json": { schema: RedeliverBody } } },
  },
  errors: [404],
  responses: {
    202: { description: "Queued for delivery.", content: { "application/json": { schema: RedeliveredSchema } } },
  },
});
