import { protectedRoute } from "../route-kit";
import { RoomEventsBody, RoomEventsResult } from "./room-events.schemas";

export const postRoomEventsRoute = protectedRoute({
  operationId: "createRoomEvents",
  method: "post",
  path: "/api/v1/room-events",
  tags: ["Room events"],
  summary: "Report what happened in rooms (1–500 events)",
  description:
    "For the media plane. Every event must be valid or nothing is stored (400 lists each problem, e.g. `body.events[3].roomName`). `roomName` is a room of this organization (a meeting deleted or expired within 30 days counts); `occurredAt` is at most 30 days before the room's creation and at most 5 minutes ahead. Events may arrive late, out of order and more than once: sessions are derived as if they had arrived in `occurredAt` order, and a repeated event only counts in `duplicates`. Every accepted event is forwarded as a webhook of its type; `room.session.started`/`ended` are emitted once per session by the scheduled job, once the room has received no event for 30 s. A late event is always derived, also after its session was announced: an announced session keeps its `roomSessionId` (insights show corrected times; webhooks already sent are not sent again), a session split off or newly created is announced normally, and when sessions merge the earliest id survives; an absorbed session whose `started` went out without its `ended` gets `room.session.ended` with `mergedInto`, so every `started` is followed by exactly one `ended`.",
  scope: "write",
  request: { body: { required: true, content: { "application/json": { schema: RoomEventsBody } } } },
  responses: {
    200: { description: "Counts.", content: { "application/json": { schema: RoomEventsResult } } },
  },
});
