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

export const healthRouter = createRouter().openapi(health, (c) =>
  c.json({ status: "ok" as const, version: c.env.APP_VERSION }, 200),
);
