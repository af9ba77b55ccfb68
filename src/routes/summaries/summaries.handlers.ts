import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { pathTo } from "../../lib/http";
import { createSummary, deleteSummary, getSummary, listSummaries, toSummary } from "../../services/summaries";
import {
  type createSummaryRoute,
  type deleteSummaryRoute,
  getSummaryRoute,
  type listSummariesRoute,
} from "./summaries.routes";

export const create: RouteHandler<typeof createSummaryRoute, AppEnv> = async (c) => {
  const row = await createSummary(c.var.deps, c.get("auth").orgId, c.req.valid("json"));
  c.header("Location", pathTo(getSummaryRoute.path, { summaryId: row.id }));
  return c.json(toSummary(row), 201);
};

export const list: RouteHandler<typeof listSummariesRoute, AppEnv> = async (c) =>
  c.json(await listSummaries(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);

export const get: RouteHandler<typeof getSummaryRoute, AppEnv> = async (c) => {
  const row = await getSummary(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").summaryId);
  return c.json(toSummary(row), 200);
};

export const remove: RouteHandler<typeof deleteSummaryRoute, AppEnv> = async (c) => {
  await deleteSummary(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").summaryId);
  return c.body(null, 204);
};
