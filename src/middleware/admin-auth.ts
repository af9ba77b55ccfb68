import { createMiddleware } from "hono/factory";
import { type AppEnv, secret } from "../env";
import { timingSafeEqualStrings } from "../lib/crypto";
import { ApiError } from "../lib/errors";

/** Guards `/admin/v1`: `Authorization: Bearer <ADMIN_TOKEN>`; without a configured token, nothing passes. */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const configured = secret(c.env.ADMIN_TOKEN);
  if (!configured) {
    throw new ApiError("unauthorized", "The operator API is disabled: ADMIN_TOKEN is not configured.");
  }
  const presented = bearerToken(c.req.header("authorization"));
  if (!presented || !(await timingSafeEqualStrings(presented, configured))) {
    throw new ApiError("unauthorized", "A valid operator token is required: Authorization: Bearer <ADMIN_TOKEN>.");
  }
  await next();
});

export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return match?.[1] ?? null;
}
