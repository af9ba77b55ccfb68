import { protectedRoute } from "../route-kit";
import { RoomEventsBody, RoomEventsResult } from "./room-events.schemas";

export const postRoomEventsRoute = protectedRoute({
  operationId: "createRoomEvents",
  method: "post",
  path: "/api/v1/room-events",
  tags: ["Room events"],
  summary: "Report what happened in rooms (1–500 events)",
  description:
    "For the media plane. Every event must be valid or nothing is stored (400 lists each problem, e.g. `body.events[3].roomName`). `roomName` is a room of this organization (a meeting deleted or expired within 30 days counts); `occurredAt` is at most 30 days before the room's creation and at most 5 minutes ahead. Events may arrive late, out of order and more than once: sessions are derived as if they had arrived in `occurredAt` order, and a repeated event only counts in `duplicates`. Every accepted event is forwarded as a webhook of its type; `room.session.started`/`ended` are emitted once per session by the scheduled job, once the room has received no event for 30 s. Announcements are final: an announced session keeps its `roomSessionId` and `startedAt`, and once `room.session.ended` went out its `endedAt` and figures no longer change, so every `started` is followed by exactly one `ended`. An event that arrives after that is still stored and forwarded; if it is dated after the session's end it is derived as usual (a rejoin then starts a new session rather than reopening the ended one); if it is dated before the room's last announcement it changes no session or participant, except that a leave still ends the presence of someone present at that point.",
  scope: "write",
  request: { body: { required: true, content: { "application/json": { schema: RoomEventsBody } } } },
  responses: {
    200: { description: "Counts.", content: { "application/json": { schema: RoomEventsResult } } },
  },
});
