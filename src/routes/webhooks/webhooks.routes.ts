import { createRoute, z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES } from "../../db/schema";
import {
  AUTHENTICATED_ERRORS,
  errorResponses,
  IdempotencyKeyHeader,
  ListQuery,
  listSchema,
  SECRET_RESPONSE_HEADERS,
} from "../../lib/openapi";
import { requireScope } from "../../middleware/scope";
import { API_KEY_SECURITY, IdParam } from "../shared.schemas";
import {
  CreateWebhookBody,
  DeliverySchema,
  RotatedWebhookSchema,
  TestSentSchema,
  UpdateWebhookBody,
  WebhookSchema,
  WebhookWithSecretSchema,
} from "./webhooks.schemas";

const tags = ["Webhooks"];
const webhookParam = IdParam("id", "whk_2Hn8Qv5LpW0xRt7Ky3Mb9Z");
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

export const createWebhookRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks",
  tags,
  summary: "Create a webhook endpoint",
  description:
    "Scope `admin`. The signing `secret` is in this response only. Beyond the plan's endpoint count (starter: none) → 403 `plan_limit_reached`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { headers: IdempotencyKeyHeader, body: { required: true, content: json(CreateWebhookBody) } },
  responses: {
    201: {
      description: "The endpoint, with its secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: json(WebhookWithSecretSchema),
    },
    ...errorResponses(400, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const listWebhooksRoute = createRoute({
  method: "get",
  path: "/api/v1/webhooks",
  tags,
  summary: "List webhook endpoints",
  description: "Scope `admin`. Newest first; secrets are never listed.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { query: ListQuery },
  responses: {
    200: { description: "A page of endpoints.", content: json(listSchema(WebhookSchema, "WebhookList")) },
    ...errorResponses(400, ...AUTHENTICATED_ERRORS),
  },
});

export const getWebhookRoute = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{id}",
  tags,
  summary: "Get a webhook endpoint",
  description: "Scope `admin`.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { params: webhookParam },
  responses: {
    200: { description: "The endpoint.", content: json(WebhookSchema) },
    ...errorResponses(404, ...AUTHENTICATED_ERRORS),
  },
});

export const updateWebhookRoute = createRoute({
  method: "patch",
  path: "/api/v1/webhooks/{id}",
  tags,
  summary: "Update a webhook endpoint",
  description:
    "Scope `admin`. Any of `url`, `events`, `description`, `status`. Setting `status: enabled` re-enables an endpoint Parley disabled and clears its failing streak.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { params: webhookParam, body: { required: true, content: json(UpdateWebhookBody) } },
  responses: {
    200: { description: "The updated endpoint.", content: json(WebhookSchema) },
    ...errorResponses(400, 404, 413, 415, ...AUTHENTICATED_ERRORS),
  },
});

export const deleteWebhookRoute = createRoute({
  method: "delete",
  path: "/api/v1/webhooks/{id}",
  tags,
  summary: "Delete a webhook endpoint",
  description: "Scope `admin`. Its delivery log goes out of reach (purged after 30 days); queued attempts stop.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { params: webhookParam },
  responses: {
    204: { description: "Deleted." },
    ...errorResponses(404, ...AUTHENTICATED_ERRORS),
  },
});

export const rotateSecretRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{id}/rotate-secret",
  tags,
  summary: "Rotate the signing secret",
  description:
    "Scope `admin`. Returns the new secret. For 24 h both the previous and the new secret sign every delivery (two `v1,` signatures), so receivers can switch without dropping one.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { params: webhookParam, headers: IdempotencyKeyHeader },
  responses: {
    200: {
      description: "The endpoint with its new secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: json(RotatedWebhookSchema),
    },
    ...errorResponses(404, 409, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const testWebhookRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{id}/test",
  tags,
  summary: "Send a test event",
  description:
    "Scope `admin`. Records a `webhook.test` event and delivers it to this endpoint only, like any other event (signed, retried, logged). A disabled endpoint → 409.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { params: webhookParam, headers: IdempotencyKeyHeader },
  responses: {
    202: { description: "Queued for delivery.", content: json(TestSentSchema) },
    ...errorResponses(404, 409, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const listDeliveriesRoute = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{id}/deliveries",
  tags,
  summary: "List an endpoint's deliveries",
  description:
    "Scope `admin`. One entry per event sent to this endpoint (and per redelivery), updated as attempts are made; newest first, 30 days.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: {
    params: webhookParam,
    query: ListQuery.extend({
      status: z.enum(DELIVERY_STATUSES).optional().openapi({ description: "Only deliveries in this state." }),
    }),
  },
  responses: {
    200: { description: "A page of deliveries.", content: json(listSchema(DeliverySchema, "WebhookDeliveryList")) },
    ...errorResponses(400, 404, ...AUTHENTICATED_ERRORS),
  },
});
