import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { ApiError } from "../../lib/errors";
import { validationHook } from "../../lib/openapi";
import { ingestRoomEvents } from "../../services/room-events";
import type { postRoomEventsRoute } from "./room-events.routes";

export const postRoomEvents: RouteHandler<typeof postRoomEventsRoute, AppEnv> = async (c) => {
  const { events } = c.req.valid("json");
  const { accepted, duplicates, eventIds } = await ingestRoomEvents(c.var.deps.db, c.get("auth").orgId, events);
  c.var.deps.publish(...eventIds.map((id) => ({ id })));
  return c.json({ accepted, duplicates }, 200);
};

/** The shared hook, with array positions written as SPEC §7 names them (`body.events[3].roomName`). */
export function roomEventsHook(result: Parameters<typeof validationHook>[0], c: Context<AppEnv>) {
  try {
    return validationHook(result, c);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    for (const issue of error.options.errors ?? []) issue.location = issue.location.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
    throw error;
  }
}
