import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/openapi";

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["Meta"],
  security: [],
  summary: "Liveness check",
  description: "No authentication. Answers without touching storage.",
  responses: {
    200: {
      description: "The worker is up.",
      content: {
        "application/json": {
          schema: z
            .object({ status: z.literal("ok"), version: z.string().openapi({ example: "0.1.0" }) })
            .openapi("Health"),
        },
      },
    },
  },
});

/** Where a newcomer who opens the bare origin should go next (SPEC §10). */
const LINKS = {
  docs: "/docs",
  openapi: "/api/v1/openapi.json",
  dashboard: "/dashboard",
  health: "/health",
} as const;

const root = createRoute({
  method: "get",
  path: "/",
  tags: ["Meta"],
  security: [],
  summary: "Where to start",
  description:
    "No authentication. Points at the interactive reference (`/docs`), this OpenAPI document, the dashboard and the health check.",
  responses: {
    200: {
      description: "Links to the documentation and the dashboard.",
      content: {
        "application/json": {
          schema: z
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
            .openapi("Root"),
        },
      },
    },
  },
});

export const healthRouter = createRouter()
  .openapi(root, (c) =>
    c.json(
      {
        name: "Parley API",
        version: c.env.APP_VERSION,
        message: "The API lives under /api/v1 (Authorization: Bearer prl_…). Start with the reference at /docs.",
        links: LINKS,
      },
      200,
    ),
  )
  .openapi(health, (c) => c.json({ status: "ok" as const, version: c.env.APP_VERSION }, 200));
