import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { getEvent, listEvents } from "../../services/events";
import { redeliverEvent } from "../../services/webhook-resends";
import type { getEventRoute, listEventsRoute, redeliverEventRoute } from "./events.routes";

export const list: RouteHandler<typeof listEventsRoute, AppEnv> = async (c) =>
  c.json(await listEvents(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);

export const get: RouteHandler<typeof getEventRoute, AppEnv> = async (c) =>
  c.json(await getEvent(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").eventId), 200);

export const redeliver: RouteHandler<typeof redeliverEventRoute, AppEnv> = async (c) => {
  const { webhookId } = (c.req.valid("json") as { webhookId?: string } | undefined) ?? {};
  const { orgId } = c.get("auth");
  return c.json(
    await redeliverEvent(c.var.deps.queues, c.var.deps.db, orgId, c.req.valid("param").eventId, webhookId),
    202,
  );
};
