import { createRouter } from "../../lib/openapi";
import { health, root } from "./health.handlers";
import { healthRoute, rootRoute } from "./health.routes";

export const healthRouter = createRouter().openapi(rootRoute, root).openapi(healthRoute, health);
