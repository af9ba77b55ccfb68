import { z } from "@hono/zod-openapi";

/** Where a newcomer who opens the bare origin should go next (SPEC §10). */
export const LINKS = {
  docs: "/docs",
  openapi: "/api/v1/openapi.json",
  dashboard: "/dashboard",
  health: "/health",
} as const;

export const HealthSchema = z
  .object({ status: z.literal("ok"), version: z.string().openapi({ example: "0.1.0" }) })
  .openapi("Health", { description: "The worker is up, and its version." });

export const RootSchema = z
  .object({
    name: z.string().openapi({ example: "Parley API" }),
    version: z.string().openapi({ example: "0.1.0" }),
    message: z.string(),
    links: z.object({
      docs: z.literal(LINKS.docs).openapi({ description: "Interactive API reference (HTML)." }),
      openapi: z.literal(LINKS.openapi).openapi({ description: "The OpenAPI 3.1 document." }),
      dashboard: z.literal(LINKS.dashboard).openapi({ description: "The organization dashboard." }),
      health: z.literal(LINKS.health).openapi({ description: "Liveness check." }),
    }),
  })
  .openapi("Root", {
    description: "Where to start: the reference docs, the OpenAPI document, the dashboard and the health check.",
  });
