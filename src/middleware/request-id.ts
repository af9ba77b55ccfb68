import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { newId } from "../lib/ids";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a sane client `X-Request-Id`, otherwise mints one; every response carries it. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : newId("req");
  c.set("requestId", id);
  await next();
  c.res.headers.set("X-Request-Id", id);
});
