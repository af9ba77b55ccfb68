import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { listParticipantInsights, listRoomInsights, listSessionInsights } from "../../services/room-insights";
import type { participantInsightsRoute, roomInsightsRoute, roomSessionInsightsRoute } from "./insights.routes";

export const rooms: RouteHandler<typeof roomInsightsRoute, AppEnv> = async (c) => {
  const { "createdAt[from]": createdFrom, "createdAt[to]": createdTo, ...query } = c.req.valid("query");
  return c.json(await listRoomInsights(c.var.deps.db, c.get("auth").orgId, { ...query, createdFrom, createdTo }), 200);
};

export const roomSessions: RouteHandler<typeof roomSessionInsightsRoute, AppEnv> = async (c) =>
  c.json(await listSessionInsights(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);

export const participants: RouteHandler<typeof participantInsightsRoute, AppEnv> = async (c) =>
  c.json(await listParticipantInsights(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);
