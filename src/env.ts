import type { ApiKeyScope } from "./db/schema";
import type { OrgSnapshot } from "./durable-objects/org-gate";
import type { BudgetState } from "./durable-objects/rolling-budget";

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
  };
}

/** Optional secrets arrive as `undefined` or empty strings; both mean "not configured". */
export function secret(value: string | undefined): string | null {
  return value === undefined || value.trim() === "" ? null : value;
}

/** Meeting settings from vars and secrets; a missing secret is a deployment error, not a client one. */
export function meetingConfig(env: Env): { roomBaseUrl: string; roomKeySecret: string } {
  const roomKeySecret = secret(env.ROOM_KEY_SECRET);
  if (!roomKeySecret) throw new Error("ROOM_KEY_SECRET is not configured");
  return { roomBaseUrl: env.ROOM_BASE_URL, roomKeySecret };
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
  const value = secret(env.FILE_TOKEN_SECRET);
  if (!value) throw new Error("FILE_TOKEN_SECRET is not configured");
  return value;
}
