import { createRouter } from "../../lib/openapi";
import { participants, roomSessions, rooms } from "./insights.handlers";
import { participantInsightsRoute, roomInsightsRoute, roomSessionInsightsRoute } from "./insights.routes";

export const insightsRouter = createRouter()
  .openapi(roomInsightsRoute, rooms)
  .openapi(roomSessionInsightsRoute, roomSessions)
  .openapi(participantInsightsRoute, participants);
