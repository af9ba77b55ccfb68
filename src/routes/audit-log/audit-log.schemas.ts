import { z } from "@hono/zod-openapi";
import { ListQuery } from "../../lib/openapi";
import { Timestamp } from "../shared.schemas";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
const id = (description: string, example: string) =>
  z.string().min(1).max(128).optional().openapi({ description, example });

export const AuditLogQuery = ListQuery.extend({
  keyId: id("Only requests made with this API key.", "key_4f9TqL2mVx8RbN1cZ7yWd3"),
  method: z.enum(METHODS).optional().openapi({ description: "Only requests of this HTTP method.", example: "DELETE" }),
  objectId: id("Only requests about this object.", "mtg_3c1YwqN8dKp2Lm5RtZ7bVx"),
  "createdAt[from]": z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only requests made at or after this time.", example: "2026-11-01T00:00:00Z" }),
  "createdAt[to]": z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Only requests made at or before this time.", example: "2026-11-30T23:59:59.999Z" }),
});

export const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ example: "aud_7Hk2Lm9QpR4sTv6Wx8Yz1A" }),
    keyId: z
      .string()
      .nullable()
      .openapi({ description: "The API key that made the request; `null` for operator and dashboard calls." }),
    memberId: z
      .string()
      .nullable()
      .openapi({ description: "The dashboard member who acted; `null` for API keys and the operator." }),
    actorType: z.enum(["api", "dashboard", "operator"]).openapi({ example: "api" }),
    method: z.string().openapi({ example: "DELETE" }),
    route: z.string().openapi({
      description: "The route template the request matched, never the path with its values or a query string.",
      example: "/api/v1/meetings/{meetingId}",
    }),
    objectId: z.string().nullable().openapi({
      description:
        "The object acted on: the created object for a 201/202, else the path's id; `null` for batch operations.",
      example: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx",
    }),
    status: z.number().int().openapi({ description: "The HTTP status the request was answered with.", example: 204 }),
    requestId: z.string().openapi({ example: "req_5hQ2bT0cX9aLr1mZ3uV7wy" }),
    createdAt: Timestamp,
  })
  .openapi("AuditLogEntry", {
    description:
      "One audit-log row: who (key, member or operator) did what (method, route template, object) and the outcome.",
  });
