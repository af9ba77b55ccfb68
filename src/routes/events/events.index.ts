import { createDb } from "../../db/client";
import { createRouter } from "../../lib/openapi";
import { getEvent, listEvents } from "../../services/events";
import { getEventRoute, listEventsRoute } from "./events.routes";

export const eventsRouter = createRouter()
  .openapi(listEventsRoute, async (c) =>
    c.json(await listEvents(createDb(c.env.DB), c.get("auth").orgId, c.req.valid("query")), 200),
  )
  .openapi(getEventRoute, async (c) =>
    c.json(await getEvent(createDb(c.env.DB), c.get("auth").orgId, c.req.valid("param").id), 200),
  );
