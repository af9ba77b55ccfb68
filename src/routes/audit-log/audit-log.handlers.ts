import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { listAuditLog } from "../../services/audit-log";
import type { listAuditLogRoute } from "./audit-log.routes";

export const list: RouteHandler<typeof listAuditLogRoute, AppEnv> = async (c) =>
  c.json(await listAuditLog(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);
