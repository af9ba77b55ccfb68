import { createMiddleware } from "hono/factory";
import type { ApiKeyScope } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { idempotency } from "./idempotency";

const apiIdempotency = idempotency((c) => ({ space: c.get("auth").orgId, caller: c.get("auth").keyId }));

/**
 * Route-level guard: the calling key must carry `scope` (SPEC §2). An `Idempotency-Key` is
 * honoured here, once the key has passed, so a stored response only ever goes to a key that may
 * make the request (every `/api/v1` route has this guard, so every POST takes the header).
 */
export function requireScope(scope: ApiKeyScope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get("auth").scopes.includes(scope)) {
      throw new ApiError("forbidden", `This API key lacks the \`${scope}\` scope this route needs.`);
    }
    return apiIdempotency(c, next);
  });
}
