import { listSchema } from "../../lib/openapi";
import { protectedRoute } from "../route-kit";
import { AuditEntrySchema, AuditLogQuery } from "./audit-log.schemas";

export const listAuditLogRoute = protectedRoute({
  method: "get",
  operationId: "listAuditLog",
  path: "/api/v1/audit-log",
  tags: ["Audit log"],
  summary: "List the audit log",
  description:
    "Every request of this organization that changed data (POST, PUT, PATCH, DELETE, refused ones included with their status), every export download and every operator call about it, newest first; kept 12 months. Requests refused as unauthenticated (401) and requests to no route are not recorded; nor are bodies, query strings or erasure subjects. A row is written just after its response, so it can appear a moment later.",
  scope: "admin",
  request: { query: AuditLogQuery },
  responses: {
    200: {
      description: "A page of audit entries.",
      content: { "application/json": { schema: listSchema(AuditEntrySchema, "AuditLogList") } },
    },
  },
});
