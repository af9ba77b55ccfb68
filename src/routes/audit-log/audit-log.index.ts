import { createRouter } from "../../lib/openapi";
import { list } from "./audit-log.handlers";
import { listAuditLogRoute } from "./audit-log.routes";

export const auditLogRouter = createRouter().openapi(listAuditLogRoute, list);
