import { createRouter } from "../../lib/openapi";
import { create, get } from "./erasure.handlers";
import { createErasureRoute, getErasureRoute } from "./erasure.routes";

export const erasureRouter = createRouter().openapi(createErasureRoute, create).openapi(getErasureRoute, get);
