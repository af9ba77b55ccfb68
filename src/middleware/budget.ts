import { createMiddleware } from "hono/factory";
import type { BudgetState } from "../durable-objects/org-gate";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

const COST_BY_METHOD = new Map([
  ["GET", 1],
  ["HEAD", 1],
  ["DELETE", 2],
  ["POST", 3],
  ["PUT", 3],
  ["PATCH", 3],
]);

export function pointCost(method: string): number {
  return COST_BY_METHOD.get(method.toUpperCase()) ?? 1;
}

function budgetHeaders(state: BudgetState, secondsUntil: number): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(state.limit),
    "X-RateLimit-Remaining": String(state.remaining),
    "X-RateLimit-Reset": new Date(state.resetAtMs).toUTCString(),
    "RateLimit-Policy": `"points";q=${state.limit};w=60`,
    RateLimit: `"points";r=${state.remaining};t=${secondsUntil}`,
  };
}

const secondsUntilReset = (state: BudgetState) => Math.max(0, Math.ceil((state.resetAtMs - Date.now()) / 1000));

/**
 * Spends the request's points in the organization's Durable Object, which also confirms the key
 * is still live and the organization may use the API. Refused requests cost nothing.
 */
export const pointBudget = createMiddleware<AppEnv>(async (c, next) => {
  const { orgId, keyId } = c.get("auth");
  const result = await c.var.deps.gate.admit(orgId, keyId, pointCost(c.req.method));
  switch (result.outcome) {
    case "unauthorized":
      throw new ApiError("unauthorized", "This API key is unknown or has been revoked.", {
        headers: { "WWW-Authenticate": 'Bearer realm="parley", error="invalid_token"' },
      });
    case "forbidden":
      throw new ApiError("forbidden", result.detail, { headers: budgetHeaders(result, secondsUntilReset(result)) });
    case "rate_limited": {
      const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      throw new ApiError(
        "rate_limited",
        `The organization's point budget of ${result.limit} per minute is spent; this request fits again in ${retryAfter} s.`,
        {
          extensions: { msLeft: result.retryAfterMs },
          headers: { ...budgetHeaders(result, retryAfter), "Retry-After": String(retryAfter) },
        },
      );
    }
    case "admitted": {
      c.set("budget", result);
      c.set("org", result.org);
      await next();
      const headers = budgetHeaders(result, secondsUntilReset(result));
      for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    }
  }
});
