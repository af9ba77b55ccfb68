import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { isJsonContentType } from "../lib/http";

/** JSON request bodies are small by contract; uploads declare their own, larger limits. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

const limitJson = bodyLimit({
  maxSize: JSON_BODY_LIMIT_BYTES,
  onError: () => {
    throw new ApiError("payload_too_large", `JSON bodies are limited to ${JSON_BODY_LIMIT_BYTES} bytes.`);
  },
});

/**
 * Caps JSON bodies while they stream in, so a chunked body without Content-Length is cut off
 * at the limit too. Non-JSON bodies pass through: JSON routes answer them with 415 before
 * reading, and upload routes stream and count them against their own limits.
 */
export const jsonBodyLimit = createMiddleware<AppEnv>(async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (c.req.raw.body === null || !isJsonContentType(type)) return next();
  return limitJson(c, next);
});
