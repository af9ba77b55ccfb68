import { createRoute } from "@hono/zod-openapi";
import { HealthSchema, RootSchema } from "./health.schemas";

export const healthRoute = createRoute({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  tags: ["Meta"],
  security: [],
  summary: "Liveness check",
  description: "No authentication. Answers without touching storage.",
  responses: {
    200: { description: "The worker is up.", content: { "application/json": { schema: HealthSchema } } },
  },
});

export const rootRoute = createRoute({
  operationId: "getRoot",
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
      content: { "application/json": { schema: RootSchema } },
    },
  },
});
