import type { ApiKeyScope } from "./db/schema";
import type { BudgetState, OrgSnapshot } from "./durable-objects/org-gate";
import { ApiError } from "./lib/errors";
import { SecretsKeyError, SecretsKeyring } from "./lib/secrets-at-rest";
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
    /**
     * Set by a handler to have its request recorded in the audit log whatever its method (an export
     * download, which carries no API key): the organization, and the object when the default rule would miss it.
     */
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
  SECRETS_KEY: "webhook endpoints cannot be created, rotated or delivered to (their secrets are encrypted under it)",
} as const;

/** Isolate-global on purpose: a missing setting is logged once per isolate, not on every request. */
const reportedMissing = new Set<string>();

function reportOnce(name: string, line: { message: string; fix: string }): void {
  if (reportedMissing.has(name)) return;
  reportedMissing.add(name);
  console.error(JSON.stringify({ level: "error", message: line.message, setting: name, fix: line.fix }));
}

/**
 * A required secret. Missing, it is a deployment error, not a client one: a 500 problem that names
 * the setting (never a value), logged once per isolate. Callers read it before any side effect, so
 * the failed request changed nothing and a retry after the fix runs once.
 */
export function requiredSecret(env: Env, name: keyof typeof REQUIRED_SECRETS): string {
  const value = secret(env[name]);
  if (value) return value;
  reportOnce(name, {
    message: `configuration missing: ${name} is not set, so ${REQUIRED_SECRETS[name]}`,
    fix: `wrangler secret put ${name} (locally: add ${name}=<long random string> to .dev.vars and restart)`,
  });
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

/** Isolate-global on purpose: the AES keys are imported once per isolate and SECRETS_KEY value, not per use. */
let keyring: { source: string; keyring: Promise<SecretsKeyring> } | undefined;

/**
 * The keyring of SECRETS_KEY, imported once per isolate. Missing or malformed, it is a 500 problem that
 * names the setting (and what is wrong with it, never a key) at first use: never a plaintext fallback.
 */
export async function secretsKeyring(env: Env): Promise<SecretsKeyring> {
  const source = requiredSecret(env, "SECRETS_KEY");
  if (keyring?.source !== source) keyring = { source, keyring: SecretsKeyring.create(source) };
  try {
    return await keyring.keyring;
  } catch (error) {
    if (!(error instanceof SecretsKeyError)) throw error;
    reportOnce("SECRETS_KEY", {
      message: `configuration invalid: ${error.message}, so ${REQUIRED_SECRETS.SECRETS_KEY}`,
      fix: "set SECRETS_KEY to <id>:<base64 of 32 random bytes>[,<older id>:<…>] (README: Secrets at rest)",
    });
    throw new ApiError("internal_error", `Parley is not fully configured: ${error.message}.`);
  }
}
