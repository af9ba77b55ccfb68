import { createRouter } from "../../lib/openapi";
import { create, get, list, remove } from "./meetings.handlers";
import { createMeetingRoute, deleteMeetingRoute, getMeetingRoute, listMeetingsRoute } from "./meetings.routes";

export const meetingsRouter = createRouter()
  .openapi(createMeetingRoute, create)
  .openapi(listMeetingsRoute, list)
  .openapi(getMeetingRoute, get)
  .openapi(deleteMeetingRoute, remove);
