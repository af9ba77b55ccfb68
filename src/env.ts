import type { ApiKeyScope } from "./db/schema";
import type { BudgetState, OrgSnapshot } from "./durable-objects/org-gate";
import { ApiError } from "./lib/errors";
import type { RequestDeps } from "./middleware/deps";

/** Who is calling: set by the auth middleware on every authenticated `/api/v1` request. */
export interface AuthContext {
  orgId: string;
  keyId: string;
  scopes: readonly ApiKeyScope[];
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
    budget: BudgetState;
    /** The calling organization as its Durable Object saw it when admitting this request. */
    org: OrgSnapshot;
    /** Database, bucket, Durable Object and event publishing for this request, each made on first use. */
    deps: RequestDeps;
    /** Set by a handler whose request the audit log records although no API key made it (an export download). */
    auditContext?: { orgId: string; objectId?: string | null };
  };
}

/** Optional secrets arrive as `undefined` or empty strings; both mean "not configured". */
export function secret(value: string | undefined): string | null {
  return value === undefined || value.trim() === "" ? null : value;
}

/** Secrets some routes cannot work without, and what fails while one is missing. */
const REQUIRED_SECRETS = {
  ROOM_KEY_SECRET: "meetings cannot be created or shown (their host and viewer keys derive from it)",
  FILE_TOKEN_SECRET: "recording access links cannot be issued or opened",
} as const;

/** Isolate-global on purpose: a missing setting is logged once per isolate, not on every request. */
const reportedMissing = new Set<string>();

/**
 * A required secret. Missing, it is a deployment error, not a client one: a 500 problem that names
 * the setting (never a value), logged once per isolate. Callers read it before any side effect, so
 * the failed request changed nothing and a retry after the fix runs once.
 */
export function requiredSecret(env: Env, name: keyof typeof REQUIRED_SECRETS): string {
  const value = secret(env[name]);
  if (value) return value;
  if (!reportedMissing.has(name)) {
    reportedMissing.add(name);
    console.error(
      JSON.stringify({
        level: "error",
        message: `configuration missing: ${name} is not set, so ${REQUIRED_SECRETS[name]}`,
        setting: name,
        fix: `wrangler secret put ${name} (locally: add ${name}=<long random string> to .dev.vars and restart)`,
      }),
    );
  }
  throw new ApiError(
    "internal_error",
    `Parley is not fully configured: the ${name} secret is not set, so ${REQUIRED_SECRETS[name]}. The operator sets it with \`wrangler secret put ${name}\` (locally, in .dev.vars).`,
  );
}

/** Meeting settings from vars and secrets. */
export function meetingConfig(env: Env): { roomBaseUrl: string; roomKeySecret: string } {
  return { roomBaseUrl: env.ROOM_BASE_URL, roomKeySecret: requiredSecret(env, "ROOM_KEY_SECRET") };
}

/** Where Parley's own links (`/files/…`) point: `PUBLIC_BASE_URL`, else the request's origin; no trailing slash. */
export function publicBaseUrl(env: Env, requestUrl: string): string {
  return (env.PUBLIC_BASE_URL || new URL(requestUrl).origin).replace(/\/+$/, "");
}

/** Local development only: webhooks to loopback, over plain `http` too. */
export function allowInsecureWebhooks(env: Env): boolean {
  return env.ALLOW_INSECURE_WEBHOOKS === "true";
}

export function fileTokenSecret(env: Env): string {
  return requiredSecret(env, "FILE_TOKEN_SECRET");
}
