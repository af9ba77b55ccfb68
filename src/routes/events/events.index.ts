import { createDb } from "../../db/client";
import { createRouter } from "../../lib/openapi";
import { queueProducer } from "../../queues/producer";
import { getEvent, listEvents } from "../../services/events";
import { redeliverEvent } from "../../services/webhook-resends";
import { getEventRoute, listEventsRoute, redeliverEventRoute } from "./events.routes";

export const eventsRouter = createRouter()
  .openapi(listEventsRoute, async (c) =>
    c.json(await listEvents(createDb(c.env.DB), c.get("auth").orgId, c.req.valid("query")), 200),
  )
  .openapi(getEventRoute, async (c) =>
    c.json(await getEvent(createDb(c.env.DB), c.get("auth").orgId, c.req.valid("param").id), 200),
  )
  .openapi(redeliverEventRoute, async (c) => {
    const body = (c.req.valid("json") as { webhookId?: string } | undefined) ?? {};
    const { orgId } = c.get("auth");
    return c.json(
      await redeliverEvent(queueProducer(c.env), createDb(c.env.DB), orgId, c.req.valid("param").id, body.webhookId),
      202,
    );
  });
