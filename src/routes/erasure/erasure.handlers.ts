import type { RouteHandler } from "@hono/zod-openapi";
import type { ErasureField } from "../../db/schema";
import type { AppEnv } from "../../env";
import { pathTo } from "../../lib/http";
import { createErasure, getErasure, toErasure } from "../../services/erasures";
import { type createErasureRoute, getErasureRoute } from "./erasure.routes";

export const create: RouteHandler<typeof createErasureRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const [field, value] = Object.entries(body).find(([, v]) => v !== undefined) as [ErasureField, string];
  const row = await createErasure(c.var.deps, c.get("auth").orgId, { field, value });
  c.header("Location", pathTo(getErasureRoute.path, { erasureId: row.id }));
  return c.json(toErasure(row), 202);
};

export const get: RouteHandler<typeof getErasureRoute, AppEnv> = async (c) => {
  const row = await getErasure(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").erasureId);
  return c.json(toErasure(row), 200);
};
