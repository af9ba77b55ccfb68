import { createRouter } from "../../lib/openapi";
import { getEvent, listEvents } from "../../services/events";
import { redeliverEvent } from "../../services/webhook-resends";
import { getEventRoute, listEventsRoute, redeliverEventRoute } from "./events.routes";

export const eventsRouter = createRouter()
  .openapi(listEventsRoute, async (c) =>
    c.json(await listEvents(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200),
  )
  .openapi(getEventRoute, async (c) =>
    c.json(await getEvent(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").eventId), 200),
  )
  .openapi(redeliverEventRoute, async (c) => {
    const body = (c.req.valid("json") as { webhookId?: string } | undefined) ?? {};
    const { orgId } = c.get("auth");
    return c.json(await redeliverEvent(c.env, c.var.deps.db, orgId, c.req.valid("param").eventId, body.webhookId), 202);
  });
