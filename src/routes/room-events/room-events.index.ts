import { createRouter } from "../../lib/openapi";
import { postRoomEvents, roomEventsHook } from "./room-events.handlers";
import { postRoomEventsRoute } from "./room-events.routes";

export const roomEventsRouter = createRouter().openapi(postRoomEventsRoute, postRoomEvents, roomEventsHook);
