import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, fileTokenSecret, publicBaseUrl } from "../../env";
import { pathTo } from "../../lib/http";
import { iso } from "../../lib/time";
import { createExport, getExport, type LinkConfig, listExports, toExport } from "../../services/exports";
import { type createExportRoute, getExportRoute, type listExportsRoute } from "./exports.routes";

const links = (c: Context<AppEnv>): LinkConfig => ({
  baseUrl: publicBaseUrl(c.env, c.req.url),
  fileTokenSecret: fileTokenSecret(c.env),
});

export const create: RouteHandler<typeof createExportRoute, AppEnv> = async (c) => {
  const { db, bucket, queues } = c.var.deps;
  const row = await createExport({ db, bucket, queues }, c.get("auth").orgId, publicBaseUrl(c.env, c.req.url));
  c.header("Location", pathTo(getExportRoute.path, { exportId: row.id }));
  return c.json({ exportId: row.id, state: "in_progress" as const, createdAt: iso(row.createdAt) }, 202);
};

export const get: RouteHandler<typeof getExportRoute, AppEnv> = async (c) => {
  const config = links(c);
  const row = await getExport(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").exportId);
  return c.json(await toExport(row, config), 200);
};

export const list: RouteHandler<typeof listExportsRoute, AppEnv> = async (c) =>
  c.json(await listExports(c.var.deps.db, c.get("auth").orgId, c.req.valid("query"), links(c)), 200);
