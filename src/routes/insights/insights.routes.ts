import { listSchema } from "../../lib/openapi";
import { protectedRoute } from "../route-kit";
import {
  ParticipantInsightsSchema,
  ParticipantsInsightsQuery,
  RoomInsightsSchema,
  RoomSessionInsightsSchema,
  RoomsInsightsQuery,
  SessionsInsightsQuery,
} from "./insights.schemas";

const tags = ["Insights"];
const page = (schema: Parameters<typeof listSchema>[0], name: string) => ({
  200: { description: "A page.", content: { "application/json": { schema: listSchema(schema, name) } } },
});

export const roomInsightsRoute = protectedRoute({
  operationId: "listRoomInsights",
  method: "get",
  path: "/api/v1/insights/rooms",
  tags,
  summary: "Rooms with reported events and their totals",
  description:
    "Derived from `POST /api/v1/room-events`. Default `limit` 10; `sortBy` `createdAt|totalSessions|totalParticipantMinutes` with `:asc|:desc` (default `createdAt:desc`). Pages of a `totalParticipantMinutes` ranking all rank by the figures as of the first page.",
  scope: "read",
  request: { query: RoomsInsightsQuery },
  responses: page(RoomInsightsSchema, "RoomInsightsList"),
});

export const roomSessionInsightsRoute = protectedRoute({
  operationId: "listRoomSessionInsights",
  method: "get",
  path: "/api/v1/insights/room-sessions",
  tags,
  summary: "A room's sessions, newest first",
  description:
    "A session starts when a second participant is present and ends when fewer than two remained for 2 minutes (`endedAt` is the moment fewer than two remained). A session whose start was announced (`room.session.started`) keeps its id; once its end was announced its times and figures are final (events reported later do not reopen it). Default `limit` 10.",
  scope: "read",
  request: { query: SessionsInsightsQuery },
  responses: page(RoomSessionInsightsSchema, "RoomSessionInsightsList"),
});

export const participantInsightsRoute = protectedRoute({
  operationId: "listParticipantInsights",
  method: "get",
  path: "/api/v1/insights/participants",
  tags,
  summary: "Participants of a session or a person's joins, in join order",
  description:
    "One row per join. `roomSessionId` or `externalId` is required (both: joins matching both). Default `limit` 10.",
  scope: "read",
  request: { query: ParticipantsInsightsQuery },
  responses: page(ParticipantInsightsSchema, "ParticipantInsightsList"),
});
