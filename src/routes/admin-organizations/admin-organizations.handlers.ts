import type { RouteHandler } from "@hono/zod-openapi";
import { type AppEnv, publicBaseUrl } from "../../env";
import { NO_STORE, pathTo } from "../../lib/http";
import { createApiKey, getApiKey } from "../../services/api-keys";
import { createInvitation } from "../../services/members";
import {
  createOrganization,
  getOrganization,
  listOrganizations,
  toOrganization,
  updateOrganization,
} from "../../services/organizations";
import {
  type createInvitationRoute,
  type createOrganizationKeyRoute,
  type createOrganizationRoute,
  getOrganizationKeyRoute,
  getOrganizationRoute,
  type listOrganizationsRoute,
  type updateOrganizationRoute,
} from "./admin-organizations.routes";

export const create: RouteHandler<typeof createOrganizationRoute, AppEnv> = async (c) => {
  const row = await createOrganization(c.var.deps.db, c.req.valid("json"));
  c.header("Location", pathTo(getOrganizationRoute.path, { organizationId: row.id }));
  return c.json(toOrganization(row), 201);
};

export const list: RouteHandler<typeof listOrganizationsRoute, AppEnv> = async (c) =>
  c.json(await listOrganizations(c.var.deps.db, c.req.valid("query")), 200);

export const get: RouteHandler<typeof getOrganizationRoute, AppEnv> = async (c) =>
  c.json(toOrganization(await getOrganization(c.var.deps.db, c.req.valid("param").organizationId)), 200);

export const update: RouteHandler<typeof updateOrganizationRoute, AppEnv> = async (c) => {
  const { organizationId } = c.req.valid("param");
  const row = await updateOrganization(c.var.deps.db, organizationId, c.req.valid("json"));
  await c.var.deps.gateOf(organizationId).refresh(organizationId);
  return c.json(toOrganization(row), 200);
};

export const createKey: RouteHandler<typeof createOrganizationKeyRoute, AppEnv> = async (c) => {
  const { organizationId } = c.req.valid("param");
  const db = c.var.deps.db;
  const org = toOrganization(await getOrganization(db, organizationId));
  const key = await createApiKey(db, c.var.deps.gateOf(organizationId), org, c.req.valid("json"));
  c.header("Location", pathTo(getOrganizationKeyRoute.path, { organizationId, keyId: key.id }));
  return c.json(key, 201, NO_STORE);
};

export const getKey: RouteHandler<typeof getOrganizationKeyRoute, AppEnv> = async (c) => {
  const { organizationId, keyId } = c.req.valid("param");
  return c.json(await getApiKey(c.var.deps.db, c.var.deps.gateOf(organizationId), organizationId, keyId), 200);
};

export const invite: RouteHandler<typeof createInvitationRoute, AppEnv> = async (c) => {
  const { organizationId } = c.req.valid("param");
  const baseUrl = publicBaseUrl(c.env, c.req.url);
  const invitation = await createInvitation(c.var.deps.db, organizationId, c.req.valid("json"), null, baseUrl);
  return c.json(invitation, 201, NO_STORE);
};
