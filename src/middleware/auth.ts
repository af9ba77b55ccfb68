import { eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import { apiKeys } from "../db/schema";
import type { AppEnv, AuthContext } from "../env";
import { isWellFormedApiKey } from "../lib/api-key-token";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { bearerToken } from "./admin-auth";

const POSITIVE_TTL_MS = 5 * 60_000;
const NEGATIVE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Per-isolate cache of key hash → who it belongs to. It only saves the D1 lookup: whether a key
 * is still live is decided by the organization's Durable Object on every request, so a
 * revocation is seen everywhere at once even while this cache still holds the key.
 */
const keyCache = new Map<string, { auth: AuthContext | null; expiresAt: number }>();

async function resolveKey(db: D1Database, hash: string, now: number): Promise<AuthContext | null> {
  const cached = keyCache.get(hash);
  if (cached && cached.expiresAt > now) return cached.auth;
  const row = (
    await createDb(db)
      .select({ id: apiKeys.id, orgId: apiKeys.orgId, scopes: apiKeys.scopes, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.keyHash, hash))
      .limit(1)
  )[0];
  const auth = row && row.revokedAt === null ? { orgId: row.orgId, keyId: row.id, scopes: row.scopes } : null;
  if (keyCache.size >= MAX_ENTRIES) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(hash, { auth, expiresAt: now + (auth ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS) });
  return auth;
}

/** Resolves `Authorization: Bearer prl_…` to the calling key and organization. */
export const apiKeyAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  if (!header) throw new ApiError("unauthorized", "Send your API key as `Authorization: Bearer prl_…`.");
  const key = bearerToken(header);
  if (!key || !isWellFormedApiKey(key)) {
    throw new ApiError("unauthorized", "The Authorization header does not carry a well-formed Parley API key.", {
      headers: { "WWW-Authenticate": 'Bearer realm="parley", error="invalid_token"' },
    });
  }
  const auth = await resolveKey(c.env.DB, await sha256Hex(key), Date.now());
  if (!auth) {
    throw new ApiError("unauthorized", "This API key is unknown or has been revoked.", {
      headers: { "WWW-Authenticate": 'Bearer realm="parley", error="invalid_token"' },
    });
  }
  c.set("auth", auth);
  await next();
});
