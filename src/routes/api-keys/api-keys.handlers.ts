import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import type { AppEnv } from "../../env";
import { NO_STORE, pathTo } from "../../lib/http";
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys";
import { orgGate } from "../../services/org-gate";
import {
  type createApiKeyRoute,
  getApiKeyRoute,
  type listApiKeysRoute,
  type revokeApiKeyRoute,
} from "./api-keys.routes";

export const createKey: RouteHandler<typeof createApiKeyRoute, AppEnv> = async (c) => {
  const { orgId, scopes } = c.get("auth");
  const key = await createApiKey(createDb(c.env.DB), orgGate(c.env, orgId), c.get("org"), c.req.valid("json"), scopes);
  c.header("Location", pathTo(getApiKeyRoute.path, { id: key.id }));
  return c.json(key, 201, NO_STORE);
};

export const listKeys: RouteHandler<typeof listApiKeysRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  return c.json(await listApiKeys(createDb(c.env.DB), orgGate(c.env, orgId), orgId, c.req.valid("query")), 200);
};

export const getKey: RouteHandler<typeof getApiKeyRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  return c.json(await getApiKey(createDb(c.env.DB), orgGate(c.env, orgId), orgId, c.req.valid("param").id), 200);
};

export const revokeKey: RouteHandler<typeof revokeApiKeyRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  await revokeApiKey(createDb(c.env.DB), orgGate(c.env, orgId), orgId, c.req.valid("param").id);
  return c.body(null, 204);
};
