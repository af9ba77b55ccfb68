import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES } from "../../db/schema";
import { ListQuery, listSchema, SECRET_RESPONSE_HEADERS } from "../../lib/openapi";
import { protectedRoute } from "../route-kit";
import { CREATE_WEBHOOK_EXAMPLE, WEBHOOK_EXAMPLE, WEBHOOK_WITH_SECRET_EXAMPLE } from "./webhooks.examples";
import {
  CreateWebhookBody,
  DeliverySchema,
  RotatedWebhookSchema,
  TestSentSchema,
  UpdateWebhookBody,
  WebhookIdParam,
  WebhookSchema,
  WebhookWithSecretSchema,
} from "./webhooks.schemas";

const tags = ["Webhooks"];
const json = <T extends z.ZodType>(schema: T, example?: object) => ({
  "application/json": example === undefined ? { schema } : { schema, example },
});

export const createWebhookRoute = protectedRoute({
  operationId: "createWebhook",
  method: "post",
  path: "/api/v1/webhooks",
  tags,
  summary: "Create a webhook endpoint",
  description:
    "The signing `secret` is in this response only. Beyond the plan's endpoint count (starter: none) → 403 `plan_limit_reached`.",
  scope: "admin",
  request: { body: { required: true, content: json(CreateWebhookBody, CREATE_WEBHOOK_EXAMPLE) } },
  responses: {
    201: {
      description: "The endpoint, with its secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: json(WebhookWithSecretSchema, WEBHOOK_WITH_SECRET_EXAMPLE),
    },
  },
});

export const listWebhooksRoute = protectedRoute({
  operationId: "listWebhooks",
  method: "get",
  path: "/api/v1/webhooks",
  tags,
  summary: "List webhook endpoints",
  description: "Newest first; secrets are never listed.",
  scope: "admin",
  request: { query: ListQuery },
  responses: {
    200: { description: "A page of endpoints.", content: json(listSchema(WebhookSchema, "WebhookList")) },
  },
});

export const getWebhookRoute = protectedRoute({
  operationId: "getWebhook",
  method: "get",
  path: "/api/v1/webhooks/{webhookId}",
  tags,
  summary: "Get a webhook endpoint",
  scope: "admin",
  request: { params: WebhookIdParam },
  errors: [404],
  responses: {
    200: { description: "The endpoint.", content: json(WebhookSchema, WEBHOOK_EXAMPLE) },
  },
});

export const updateWebhookRoute = protectedRoute({
  operationId: "updateWebhook",
  method: "patch",
  path: "/api/v1/webhooks/{webhookId}",
  tags,
  summary: "Update a webhook endpoint",
  description:
    "Any of `url`, `events`, `description`, `status`. Setting `status: enabled` re-enables an endpoint Parley disabled and clears its failing streak.",
  scope: "admin",
  request: { params: WebhookIdParam, body: { required: true, content: json(UpdateWebhookBody) } },
  errors: [404],
  responses: {
    200: { description: "The updated endpoint.", content: json(WebhookSchema) },
  },
});

export const deleteWebhookRoute = protectedRoute({
  operationId: "deleteWebhook",
  method: "delete",
  path: "/api/v1/webhooks/{webhookId}",
  tags,
  summary: "Delete a webhook endpoint",
  description: "Its delivery log goes out of reach (purged after 30 days); queued attempts stop.",
  scope: "admin",
  request: { params: WebhookIdParam },
  errors: [404],
  responses: {
    204: { description: "Deleted." },
  },
});

export const rotateSecretRoute = protectedRoute({
  operationId: "rotateWebhookSecret",
  method: "post",
  path: "/api/v1/webhooks/{webhookId}/rotate-secret",
  tags,
  summary: "Rotate the signing secret",
  description:
    "Returns the new secret. For 24 h both the previous and the new secret sign every delivery (two `v1,` signatures), so receivers can switch without dropping one.",
  scope: "admin",
  request: { params: WebhookIdParam },
  errors: [404],
  responses: {
    200: {
      description: "The endpoint with its new secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: json(RotatedWebhookSchema),
    },
  },
});

export const testWebhookRoute = protectedRoute({
  operationId: "testWebhook",
  method: "post",
  path: "/api/v1/webhooks/{webhookId}/test",
  tags,
  summary: "Send a test event",
  description:
    "Records a `webhook.test` event and delivers it to this endpoint only, like any other event (signed, retried, logged). A disabled endpoint → 409.",
  scope: "admin",
  request: { params: WebhookIdParam },
  errors: [404],
  responses: {
    202: { description: "Queued for delivery.", content: json(TestSentSchema) },
  },
});

export const listDeliveriesRoute = protectedRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/api/v1/webhooks/{webhookId}/deliveries",
  tags,
  summary: "List an endpoint's deliveries",
  description:
    "One entry per event sent to this endpoint (and per redelivery), updated as attempts are made; newest first, 30 days.",
  scope: "admin",
  request: {
    params: WebhookIdParam,
    query: ListQuery.extend({
      status: z.enum(DELIVERY_STATUSES).optional().openapi({ description: "Only deliveries in this state." }),
    }),
  },
  errors: [404],
  responses: {
    200: { description: "A page of deliveries.", content: json(listSchema(DeliverySchema, "WebhookDeliveryList")) },
  },
});
