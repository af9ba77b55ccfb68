import { createMiddleware } from "hono/factory";
import type { ApiKeyScope } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** Route-level guard: the calling key must carry `scope` (SPEC §2). */
export function requireScope(scope: ApiKeyScope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get("auth").scopes.includes(scope)) {
      throw new ApiError("forbidden", `This API key lacks the \`${scope}\` scope this route needs.`);
    }
    await next();
  });
}
