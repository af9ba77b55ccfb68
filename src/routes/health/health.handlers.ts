import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import type { healthRoute, rootRoute } from "./health.routes";
import { LINKS } from "./health.schemas";

export const root: RouteHandler<typeof rootRoute, AppEnv> = (c) =>
  c.json(
    {
      name: "Parley API",
      version: c.env.APP_VERSION,
      message: "The API lives under /api/v1 (Authorization: Bearer prl_…). Start with the reference at /docs.",
      links: LINKS,
    },
    200,
  );

export const health: RouteHandler<typeof healthRoute, AppEnv> = (c) =>
  c.json({ status: "ok" as const, version: c.env.APP_VERSION }, 200);
