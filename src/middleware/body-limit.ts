import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { isJsonContentType } from "../lib/http";

/** JSON request bodies are small by contract; uploads declare their own, larger limits. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/** Transcript imports carry up to 20,000 segments of up to 10,000 characters: they get 16 MiB. */
export const TRANSCRIPT_IMPORT_MAX_BYTES = 16 * 1024 * 1024;

const limitOf = (maxSize: number, what: string) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("payload_too_large", `${what} are limited to ${maxSize} bytes.`);
    },
  });

const limitJson = limitOf(JSON_BODY_LIMIT_BYTES, "JSON bodies");
/** Routes (method and exact path) whose JSON bodies may be larger than the default. */
const LARGER_LIMITS: Record<string, ReturnType<typeof limitOf>> = {
  "POST /api/v1/transcriptions": limitOf(TRANSCRIPT_IMPORT_MAX_BYTES, "Transcript imports"),
};

/**
 * Caps JSON bodies while they stream in, so a chunked body without Content-Length is cut off
 * at the limit too. Non-JSON bodies pass through: JSON routes answer them with 415 before
 * reading, and upload routes stream and count them against their own limits.
 */
export const jsonBodyLimit = createMiddleware<AppEnv>(async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (c.req.raw.body === null || !isJsonContentType(type)) return next();
  return (LARGER_LIMITS[`${c.req.method} ${c.req.path}`] ?? limitJson)(c, next);
});
