import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import type { AppEnv } from "../../env";
import { NO_STORE } from "../../lib/http";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys";
import { orgGate } from "../../services/org-gate";
import type { createApiKeyRoute, listApiKeysRoute, revokeApiKeyRoute } from "./api-keys.routes";

export const createKey: RouteHandler<typeof createApiKeyRoute, AppEnv> = async (c) => {
  const { orgId, scopes } = c.get("auth");
  const key = await createApiKey(createDb(c.env.DB), orgGate(c.env, orgId), c.get("org"), c.req.valid("json"), scopes);
  return c.json(key, 201, NO_STORE);
};

export const listKeys: RouteHandler<typeof listApiKeysRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  return c.json(await listApiKeys(createDb(c.env.DB), orgGate(c.env, orgId), orgId, c.req.valid("query")), 200);
};

export const revokeKey: RouteHandler<typeof revokeApiKeyRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  await revokeApiKey(createDb(c.env.DB), orgGate(c.env, orgId), orgId, c.req.valid("param").id);
  return c.body(null, 204);
};
