import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ApiKeyScope } from "../db/schema";
import type { AppEnv } from "../env";
import type { ErrorStatus } from "../lib/errors";
import { AUTHENTICATED_ERRORS, errorResponses, IdempotencyKeyHeader } from "../lib/openapi";
import { requireScope } from "../middleware/scope";

type Security = { [scheme: string]: string[] }[];

const API_KEY_SECURITY: Security = [{ apiKey: [] }];
const ADMIN_SECURITY: Security = [{ adminToken: [] }];
/** Errors every operator route can answer (`adminAuth`, `onError`). */
const OPERATOR_ERRORS = [401, 500] as const;

type KitOptions = {
  /** The route's own error statuses; the standard ones are added (see `standardErrors`). */
  errors?: readonly ErrorStatus[];
  /** Route middleware that runs after the guard (e.g. a tighter body limit). */
  middleware?: readonly MiddlewareHandler<AppEnv>[];
};
type KitConfig = Omit<RouteConfig, "security" | "middleware" | "operationId"> &
  KitOptions & {
    /** Stable camelCase name of the operation (`createMeeting`): generated clients name their methods after it. */
    operationId: string;
  };
type ProtectedConfig = KitConfig & {
  scope: ApiKeyScope;
  /** Said right after the scope, before the description's first sentence ("…, like the rest of webhooks"). */
  scopeNote?: string;
};

/** The declared route: the config as given (its request and responses keep their types for handlers). */
type Declared<C> = Omit<C, "scope" | "scopeNote" | "errors" | "middleware"> & {
  middleware: MiddlewareHandler<AppEnv>[];
  security: Security;
};

/**
 * Statuses every route of this shape can answer: 400 for validated input, 413 and 415 for a body,
 * and on POST the Idempotency-Key outcomes (409 still in flight, 422 reused), plus the guard's.
 */
function standardErrors(config: KitConfig, guard: readonly ErrorStatus[]): ErrorStatus[] {
  const { request, method } = config;
  const statuses = new Set<ErrorStatus>(config.errors);
  if (request?.params || request?.query || request?.headers || method === "post") statuses.add(400);
  if (request?.body) for (const status of [400, 413, 415] as const) statuses.add(status);
  if (method === "post") for (const status of [409, 422] as const) statuses.add(status);
  for (const status of guard) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
}

/** Every POST takes `Idempotency-Key` (SPEC §1): the header is declared once, here. */
function withIdempotencyHeader(config: KitConfig): RouteConfig["request"] {
  return config.method === "post" ? { ...config.request, headers: IdempotencyKeyHeader } : config.request;
}

function declare<C extends KitConfig>(
  config: C,
  guard: readonly ErrorStatus[],
  security: Security,
  middleware: MiddlewareHandler<AppEnv>[],
  description: string | undefined,
): Declared<C> {
  const { errors: _errors, middleware: _middleware, ...route } = config;
  return createRoute({
    ...route,
    ...(description === undefined ? {} : { description }),
    security,
    middleware,
    request: withIdempotencyHeader(config),
    responses: { ...config.responses, ...errorResponses(...standardErrors(config, guard)) },
  }) as unknown as Declared<C>;
}

/**
 * An `/api/v1` route: API-key security, the scope guard (which then honours Idempotency-Key), the
 * standard error responses and the "Scope `x`." description prefix.
 */
export function protectedRoute<const C extends ProtectedConfig>(config: C): Declared<C> {
  const { scope, scopeNote, ...route } = config;
  const prefix = `Scope \`${scope}\`${scopeNote ?? ""}.`;
  const description = config.description ? `${prefix} ${config.description}` : prefix;
  const middleware = [requireScope(scope), ...(config.middleware ?? [])];
  return declare(route as unknown as C, AUTHENTICATED_ERRORS, API_KEY_SECURITY, middleware, description);
}

/** An `/admin/v1` route: operator-token security (checked by `adminAuth`) and the standard error responses. */
export function operatorRoute<const C extends KitConfig>(config: C): Declared<C> {
  return declare(config, OPERATOR_ERRORS, ADMIN_SECURITY, [...(config.middleware ?? [])], config.description);
}
