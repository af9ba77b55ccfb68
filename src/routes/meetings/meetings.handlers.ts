import type { RouteHandler } from "@hono/zod-openapi";
import { type AppEnv, meetingConfig } from "../../env";
import { ApiError } from "../../lib/errors";
import { pathTo } from "../../lib/http";
import {
  createMeeting,
  deleteMeeting,
  getMeeting,
  listMeetings,
  MEETING_FIELDS,
  type MeetingField,
  toMeeting,
} from "../../services/meetings";
import {
  type createMeetingRoute,
  type deleteMeetingRoute,
  getMeetingRoute,
  type listMeetingsRoute,
} from "./meetings.routes";

function parseFields(raw: string | string[] | undefined): MeetingField[] {
  const names = (Array.isArray(raw) ? raw : [raw ?? ""]).flatMap((v) => v.split(",")).filter((v) => v !== "");
  const unknown = names.filter((n) => !(MEETING_FIELDS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new ApiError("validation_error", "Unknown `fields` value.", {
      errors: unknown.map((n) => ({ location: "query.fields", message: `Unknown field "${n}"` })),
    });
  }
  return names as MeetingField[];
}

export const create: RouteHandler<typeof createMeetingRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const config = meetingConfig(c.env); // before the meeting exists: a missing secret changes nothing
  const { row, event } = await createMeeting(c.var.deps.db, c.get("auth").orgId, body);
  c.var.deps.publish(event);
  c.header("Location", pathTo(getMeetingRoute.path, { meetingId: row.id }));
  return c.json(await toMeeting(row, config, body.fields ?? []), 201);
};

export const list: RouteHandler<typeof listMeetingsRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const fields = parseFields(query.fields);
  const config = meetingConfig(c.env);
  const page = await listMeetings(c.var.deps.db, c.get("auth").orgId, query);
  return c.json(
    { results: await Promise.all(page.results.map((r) => toMeeting(r, config, fields))), cursor: page.cursor },
    200,
  );
};

export const get: RouteHandler<typeof getMeetingRoute, AppEnv> = async (c) => {
  const fields = parseFields(c.req.valid("query").fields);
  const config = meetingConfig(c.env);
  const row = await getMeeting(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").meetingId);
  return c.json(await toMeeting(row, config, fields), 200);
};

export const remove: RouteHandler<typeof deleteMeetingRoute, AppEnv> = async (c) => {
  const event = await deleteMeeting(
    c.var.deps.db,
    c.var.deps.bucket,
    c.get("auth").orgId,
    c.req.valid("param").meetingId,
  );
  if (event) c.var.deps.publish(event);
  return c.body(null, 204);
};
