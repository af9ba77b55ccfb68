import { ListQuery, listSchema } from "../../lib/openapi";
import { protectedRoute } from "../route-kit";
import { ExportIdParam, ExportSchema, ExportStartedSchema } from "./exports.schemas";

const tags = ["Exports"];

export const createExportRoute = protectedRoute({
  method: "post",
  path: "/api/v1/exports",
  operationId: "createExport",
  tags,
  summary: "Export all of the organization's data",
  description:
    "Answers 202 at once; a background job writes every record of the organization (organization, API keys, meetings, room themes, recordings' metadata, transcriptions with their segments, summaries, AI results, room events, sessions and participants, webhooks, events, audit log) as one JSON document. No secret is in it (no key hashes, no webhook secrets, no room keys). Poll `GET /api/v1/exports/{exportId}` until `state` is `ready`, then download `accessLink`. Deleted after 7 days.",
  scope: "admin",
  responses: {
    202: { description: "The export has started.", content: { "application/json": { schema: ExportStartedSchema } } },
  },
});

export const getExportRoute = protectedRoute({
  method: "get",
  path: "/api/v1/exports/{exportId}",
  operationId: "getExport",
  tags,
  summary: "Get an export",
  description: "Its state, and while `ready` a signed download link.",
  scope: "admin",
  request: { params: ExportIdParam },
  errors: [404],
  responses: {
    200: { description: "The export.", content: { "application/json": { schema: ExportSchema } } },
  },
});

export const listExportsRoute = protectedRoute({
  method: "get",
  path: "/api/v1/exports",
  operationId: "listExports",
  tags,
  summary: "List exports",
  description: "The organization's exports of the last 7 days, newest first.",
  scope: "admin",
  request: { query: ListQuery },
  responses: {
    200: {
      description: "A page of exports.",
      content: { "application/json": { schema: listSchema(ExportSchema, "ExportList") } },
    },
  },
});
