import type { Database } from "../db/client";
import {
  findActiveApiKey,
  findApiKeyRevokedAt,
  insertApiKeyWithinLimit,
  listActiveApiKeys,
  markApiKeyRevoked,
} from "../db/queries/api-keys";
import { findApiKeyByHash } from "../db/queries/system";
import { API_KEY_SCOPES, type ApiKeyRow, type ApiKeyScope } from "../db/schema";
import { apiKeyPrefix, generateApiKey } from "../lib/api-key-token";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import type { PlanLimits } from "../lib/plans";
import { iso, isoOrNull } from "../lib/time";

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

export function toApiKey(row: ApiKeyRow, pendingLastUsed?: number): ApiKey {
  const lastUsed = Math.max(row.lastUsedAt ?? 0, pendingLastUsed ?? 0);
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: iso(row.createdAt),
    lastUsedAt: isoOrNull(lastUsed || null),
  };
}

/** Hooks into the organization's Durable Object so the live key set there stays exact. */
export interface KeyGate {
  keyCreated(orgId: string, keyId: string): Promise<void> | void;
  keyRevoked(orgId: string, keyId: string): Promise<void>;
  pendingKeyUsage(): Promise<Record<string, number>> | Record<string, number>;
}

/**
 * The scopes a new key gets: what was asked for, else all of `grantable`. A key can only pass on
 * scopes it holds itself (`grantable` is the creating key's scopes; the operator may grant all).
 */
function grantedScopes(requested: ApiKeyScope[] | undefined, grantable: readonly ApiKeyScope[]): ApiKeyScope[] {
  const missing = API_KEY_SCOPES.filter((s) => requested?.includes(s) && !grantable.includes(s));
  if (missing.length > 0) {
    throw new ApiError(
      "forbidden",
      `This API key cannot grant scopes it does not hold: ${missing.map((s) => `\`${s}\``).join(", ")}.`,
    );
  }
  return [...new Set(requested ?? grantable)];
}

/**
 * Issues a key, refusing with `plan_limit_reached` beyond the plan's count. The count check and
 * the insert are one SQL statement, so concurrent creations cannot overshoot the limit. `org`
 * comes from the caller: the gate's snapshot on the API, a D1 read on the operator route.
 * `grantable` limits the new key's scopes to the creating key's own.
 */
export async function createApiKey(
  db: Database,
  gate: KeyGate,
  org: { id: string; plan: string; limits: PlanLimits },
  input: { name: string; scopes?: ApiKeyScope[] },
  grantable: readonly ApiKeyScope[] = API_KEY_SCOPES,
): Promise<ApiKey & { key: string }> {
  const scopes = grantedScopes(input.scopes, grantable);
  const orgId = org.id;
  const limit = org.limits.apiKeys;
  const key = generateApiKey();
  const row: ApiKeyRow = {
    id: newId("key"),
    orgId,
    name: input.name,
    prefix: apiKeyPrefix(key),
    keyHash: await sha256Hex(key),
    scopes,
    createdAt: Date.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  if (!(await insertApiKeyWithinLimit(db, row, limit))) {
    throw new ApiError(
      "plan_limit_reached",
      `The ${org.plan} plan allows ${limit} active API key${limit === 1 ? "" : "s"}; revoke one or upgrade.`,
    );
  }
  await gate.keyCreated(orgId, row.id);
  return { ...toApiKey(row), key };
}

export async function listApiKeys(
  db: Database,
  gate: KeyGate,
  orgId: string,
  page: { limit: number; cursor?: string },
) {
  const after = decodeCursor(page.cursor);
  const [rows, pending] = await Promise.all([listActiveApiKeys(db, orgId, after, page.limit), gate.pendingKeyUsage()]);
  return toPage(
    rows,
    page.limit,
    (r) => ({ v: r.createdAt, id: r.id }),
    (r) => toApiKey(r, pending[r.id]),
  );
}

/** One active key of this organization, its `lastUsedAt` current; revoked, unknown or another organization's → 404. */
export async function getApiKey(db: Database, gate: KeyGate, orgId: string, keyId: string): Promise<ApiKey> {
  const [row, pending] = await Promise.all([findActiveApiKey(db, orgId, keyId), gate.pendingKeyUsage()]);
  if (!row) throw new ApiError("not_found", `No active API key ${keyId}.`);
  return toApiKey(row, pending[row.id]);
}

/** Revokes a key of this organization; revoking an already revoked key is a no-op. */
export async function revokeApiKey(db: Database, gate: KeyGate, orgId: string, keyId: string): Promise<void> {
  const row = await findApiKeyRevokedAt(db, orgId, keyId);
  if (!row) throw new ApiError("not_found", `No API key ${keyId}.`);
  if (row.revokedAt === null) {
    await markApiKeyRevoked(db, orgId, keyId, Date.now());
  }
  await gate.keyRevoked(orgId, keyId);
}

/** Who a key hash belongs to, if it is a live key: the organization, key id and scopes. */
export async function findLiveKeyByHash(
  db: Database,
  keyHash: string,
): Promise<{ orgId: string; keyId: string; scopes: ApiKeyScope[] } | null> {
  const row = await findApiKeyByHash(db, keyHash);
  return row && row.revokedAt === null ? { orgId: row.orgId, keyId: row.id, scopes: row.scopes } : null;
}
