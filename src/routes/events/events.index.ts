import { createRouter } from "../../lib/openapi";
import { get, list, redeliver } from "./events.handlers";
import { getEventRoute, listEventsRoute, redeliverEventRoute } from "./events.routes";

export const eventsRouter = createRouter()
  .openapi(listEventsRoute, list)
  .openapi(getEventRoute, get)
  .openapi(redeliverEventRoute, redeliver);
