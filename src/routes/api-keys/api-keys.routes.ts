import { ListQuery, listSchema, SECRET_RESPONSE_HEADERS } from "../../lib/openapi";
import { protectedRoute } from "../route-kit";
import { ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema, KeyIdParam } from "./api-keys.schemas";

const tags = ["API keys"];

export const createApiKeyRoute = protectedRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/api/v1/api-keys",
  tags,
  summary: "Create an API key",
  description:
    "The secret `key` is in this response only. Beyond the plan's key count → 403 `plan_limit_reached`.\n\n" +
    "A key can only grant scopes it holds: asking for others → 403 `forbidden` naming them. Without `scopes`, the new key gets the creating key's scopes (all three for a full key).",
  scope: "admin",
  request: {
    body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } },
  },
  responses: {
    201: {
      description: "The new key, with its secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: { "application/json": { schema: CreatedApiKeySchema } },
    },
  },
});

export const listApiKeysRoute = protectedRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/api/v1/api-keys",
  tags,
  summary: "List active API keys",
  description: "Newest first; secrets are never returned. `lastUsedAt` is current to the request.",
  scope: "admin",
  request: { query: ListQuery },
  responses: {
    200: {
      description: "A page of keys.",
      content: { "application/json": { schema: listSchema(ApiKeySchema, "ApiKeyList") } },
    },
  },
});

export const getApiKeyRoute = protectedRoute({
  operationId: "getApiKey",
  method: "get",
  path: "/api/v1/api-keys/{keyId}",
  tags,
  summary: "Get an API key",
  description: "An active key, without its secret; a revoked key is 404.",
  scope: "admin",
  request: { params: KeyIdParam },
  errors: [404],
  responses: {
    200: { description: "The key.", content: { "application/json": { schema: ApiKeySchema } } },
  },
});

export const revokeApiKeyRoute = protectedRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/api/v1/api-keys/{keyId}",
  tags,
  summary: "Revoke an API key",
  description: "Takes effect on the next request everywhere. Revoking a revoked key is a no-op (204).",
  scope: "admin",
  request: { params: KeyIdParam },
  errors: [404],
  responses: {
    204: { description: "Revoked." },
  },
});
