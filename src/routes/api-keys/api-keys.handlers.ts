import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { NO_STORE, pathTo } from "../../lib/http";
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys";
import {
  type createApiKeyRoute,
  getApiKeyRoute,
  type listApiKeysRoute,
  type revokeApiKeyRoute,
} from "./api-keys.routes";

export const createKey: RouteHandler<typeof createApiKeyRoute, AppEnv> = async (c) => {
  const { scopes } = c.get("auth");
  const key = await createApiKey(c.var.deps.db, c.var.deps.gate, c.get("org"), c.req.valid("json"), scopes);
  c.header("Location", pathTo(getApiKeyRoute.path, { keyId: key.id }));
  return c.json(key, 201, NO_STORE);
};

export const listKeys: RouteHandler<typeof listApiKeysRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  return c.json(await listApiKeys(c.var.deps.db, c.var.deps.gate, orgId, c.req.valid("query")), 200);
};

export const getKey: RouteHandler<typeof getApiKeyRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  return c.json(await getApiKey(c.var.deps.db, c.var.deps.gate, orgId, c.req.valid("param").keyId), 200);
};

export const revokeKey: RouteHandler<typeof revokeApiKeyRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  await revokeApiKey(c.var.deps.db, c.var.deps.gate, orgId, c.req.valid("param").keyId);
  return c.body(null, 204);
};
