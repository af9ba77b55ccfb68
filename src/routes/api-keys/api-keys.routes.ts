import { createRoute } from "@hono/zod-openapi";
import {
  AUTHENTICATED_ERRORS,
  errorResponses,
  IdempotencyKeyHeader,
  ListQuery,
  listSchema,
  SECRET_RESPONSE_HEADERS,
} from "../../lib/openapi";
import { requireScope } from "../../middleware/scope";
import { API_KEY_SECURITY, ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema, IdParam } from "../shared.schemas";

const tags = ["API keys"];

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/api/v1/api-keys",
  tags,
  summary: "Create an API key",
  description:
    "Scope `admin`. The secret `key` is in this response only. Beyond the plan's key count → 403 `plan_limit_reached`.\n\n" +
    "A key can only grant scopes it holds: asking for others → 403 `forbidden` naming them. Without `scopes`, the new key gets the creating key's scopes (all three for a full key).",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } },
  },
  responses: {
    201: {
      description: "The new key, with its secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: { "application/json": { schema: CreatedApiKeySchema } },
    },
    ...errorResponses(400, 409, 413, 415, 422, ...AUTHENTICATED_ERRORS),
  },
});

export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/api/v1/api-keys",
  tags,
  summary: "List active API keys",
  description: "Scope `admin`. Newest first; secrets are never returned. `lastUsedAt` is current to the request.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { query: ListQuery },
  responses: {
    200: {
      description: "A page of keys.",
      content: { "application/json": { schema: listSchema(ApiKeySchema, "ApiKeyList") } },
    },
    ...errorResponses(400, ...AUTHENTICATED_ERRORS),
  },
});

export const getApiKeyRoute = createRoute({
  method: "get",
  path: "/api/v1/api-keys/{id}",
  tags,
  summary: "Get an API key",
  description: "Scope `admin`. An active key, without its secret; a revoked key is 404.",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { params: IdParam("id", "key_4Vd0Qy2WbZ8hTq1nR6sXpL") },
  responses: {
    200: { description: "The key.", content: { "application/json": { schema: ApiKeySchema } } },
    ...errorResponses(404, ...AUTHENTICATED_ERRORS),
  },
});

export const revokeApiKeyRoute = createRoute({
  method: "delete",
  path: "/api/v1/api-keys/{id}",
  tags,
  summary: "Revoke an API key",
  description: "Scope `admin`. Takes effect on the next request everywhere. Revoking a revoked key is a no-op (204).",
  security: API_KEY_SECURITY,
  middleware: [requireScope("admin")] as const,
  request: { params: IdParam("id", "key_4Vd0Qy2WbZ8hTq1nR6sXpL") },
  responses: {
    204: { description: "Revoked." },
    ...errorResponses(404, ...AUTHENTICATED_ERRORS),
  },
});
