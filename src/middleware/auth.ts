import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import type { AppEnv, AuthContext } from "../env";
import { isWellFormedApiKey } from "../lib/api-key-token";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { TtlCache } from "../lib/ttl-cache";
import { findLiveKeyByHash } from "../services/api-keys";
import { bearerToken } from "./admin-auth";

const POSITIVE_CACHE_ENTRIES = 10_000;
const NEGATIVE_CACHE_ENTRIES = 2_000;
/** Must match `simple.limit` of the AUTH_FAILURES rate limiter in wrangler.toml (its period is 60 s). */
export const AUTH_FAILURES_PER_MINUTE = 30;
const THROTTLE_MS = 60_000;

/**
 * Per-isolate caches of key hash → who it belongs to. They only save the D1 lookup: whether a key is still
 * live is decided by the organization's Durable Object on every request, so a revocation is seen everywhere
 * at once even while a cache still holds the key. Unknown keys have their own, smaller cache, so a flood of
 * made-up keys can only push out other made-up keys, never a real one.
 */
const knownKeys = new TtlCache<AuthContext>(POSITIVE_CACHE_ENTRIES, 5 * 60_000);
const unknownKeys = new TtlCache<true>(NEGATIVE_CACHE_ENTRIES, 30_000);
/**
 * Clients (by IP) the AUTH_FAILURES limiter has refused, → until when. The limiter counts across isolates but
 * can only be asked by counting another failure; remembering its answer here lets this isolate refuse the
 * client's next attempts before any D1 lookup.
 */
const throttledClients = new TtlCache<number>(10_000, THROTTLE_MS);

const invalidToken = { "WWW-Authenticate": 'Bearer realm="parley", error="invalid_token"' };

async function lookUpKey(db: D1Database, hash: string, now: number): Promise<AuthContext | null> {
  const auth = await findLiveKeyByHash(createDb(db), hash);
  if (auth) knownKeys.set(hash, auth, now);
  else unknownKeys.set(hash, true, now);
  return auth;
}

function tooManyFailures(until: number, now: number): ApiError {
  const msLeft = Math.max(0, until - now);
  return new ApiError(
    "rate_limited",
    `Too many failed authentication attempts from this client; try again in ${Math.ceil(msLeft / 1000)} s.`,
    { extensions: { msLeft }, headers: { "Retry-After": String(Math.max(1, Math.ceil(msLeft / 1000))) } },
  );
}

/** Counts a failed attempt against the client; true once it is over the limit. */
async function failureOverLimit(c: Context<AppEnv>, client: string, now: number): Promise<boolean> {
  try {
    if ((await c.env.AUTH_FAILURES.limit({ key: client })).success) return false;
  } catch {
    return false; // the limiter being unavailable must not turn a 401 into a 500
  }
  throttledClients.set(client, now + THROTTLE_MS, now);
  return true;
}

/** Resolves `Authorization: Bearer prl_…` to the calling key and organization. */
export const apiKeyAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (!header) throw new ApiError("unauthorized", "Send your API key as `Authorization: Bearer prl_…`.");
  const key = bearerToken(header);
  if (!key || !isWellFormedApiKey(key)) {
    throw new ApiError("unauthorized", "The Authorization header does not carry a well-formed Parley API key.", {
      headers: invalidToken,
    });
  }
  const hash = await sha256Hex(key);
  const now = Date.now();
  let auth = knownKeys.get(hash, now) ?? null;
  if (!auth) {
    // Cloudflare always sets it; without it (tests, other hosts) there is no client to throttle.
    const client = c.req.header("cf-connecting-ip");
    const throttledUntil = client ? throttledClients.get(client, now) : undefined;
    if (throttledUntil !== undefined) throw tooManyFailures(throttledUntil, now);
    auth = unknownKeys.get(hash, now) ? null : await lookUpKey(c.env.DB, hash, now);
    if (!auth) {
      if (client && (await failureOverLimit(c, client, now))) throw tooManyFailures(now + THROTTLE_MS, now);
      throw new ApiError("unauthorized", "This API key is unknown or has been revoked.", { headers: invalidToken });
    }
  }
  c.set("auth", auth);
  await next();
});
