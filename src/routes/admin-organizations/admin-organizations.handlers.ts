import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import type { AppEnv } from "../../env";
import { NO_STORE, pathTo } from "../../lib/http";
import { createApiKey, getApiKey } from "../../services/api-keys";
import { orgGate } from "../../services/org-gate";
import {
  createOrganization,
  getOrganization,
  listOrganizations,
  toOrganization,
  updateOrganization,
} from "../../services/organizations";
import {
  type createOrganizationKeyRoute,
  type createOrganizationRoute,
  getOrganizationKeyRoute,
  getOrganizationRoute,
  type listOrganizationsRoute,
  type updateOrganizationRoute,
} from "./admin-organizations.routes";

export const create: RouteHandler<typeof createOrganizationRoute, AppEnv> = async (c) => {
  const row = await createOrganization(createDb(c.env.DB), c.req.valid("json"));
  c.header("Location", pathTo(getOrganizationRoute.path, { id: row.id }));
  return c.json(toOrganization(row), 201);
};

export const list: RouteHandler<typeof listOrganizationsRoute, AppEnv> = async (c) =>
  c.json(await listOrganizations(createDb(c.env.DB), c.req.valid("query")), 200);

export const get: RouteHandler<typeof getOrganizationRoute, AppEnv> = async (c) =>
  c.json(toOrganization(await getOrganization(createDb(c.env.DB), c.req.valid("param").id)), 200);

export const update: RouteHandler<typeof updateOrganizationRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await updateOrganization(createDb(c.env.DB), id, c.req.valid("json"));
  await orgGate(c.env, id).refresh(id);
  return c.json(toOrganization(row), 200);
};

export const createKey: RouteHandler<typeof createOrganizationKeyRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const db = createDb(c.env.DB);
  const org = toOrganization(await getOrganization(db, id));
  const key = await createApiKey(db, orgGate(c.env, id), org, c.req.valid("json"));
  c.header("Location", pathTo(getOrganizationKeyRoute.path, { id, keyId: key.id }));
  return c.json(key, 201, NO_STORE);
};

export const getKey: RouteHandler<typeof getOrganizationKeyRoute, AppEnv> = async (c) => {
  const { id, keyId } = c.req.valid("param");
  return c.json(await getApiKey(createDb(c.env.DB), orgGate(c.env, id), id, keyId), 200);
};
