import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { type Cursor, olderThan } from "../../lib/pagination";
import type { Database } from "../client";
import { type ApiKeyRow, apiKeys, organizations } from "../schema";

/**
 * Inserts the key only while the organization exists and has fewer than `limit` active keys (null:
 * no limit), in one statement so concurrent creations cannot overshoot. True if it was inserted.
 */
export async function insertApiKeyWithinLimit(db: Database, row: ApiKeyRow, limit: number | null): Promise<boolean> {
  const activeCount = sql`(SELECT count(*) FROM ${apiKeys} WHERE ${apiKeys.orgId} = ${row.orgId} AND ${apiKeys.revokedAt} IS NULL)`;
  const result = await db.run(sql`
    INSERT INTO ${apiKeys} (id, org_id, name, prefix, key_hash, scopes, created_at)
    SELECT ${row.id}, ${row.orgId}, ${row.name}, ${row.prefix}, ${row.keyHash}, ${JSON.stringify(row.scopes)}, ${row.createdAt}
    FROM ${organizations} WHERE ${organizations.id} = ${row.orgId} AND (${limit === null ? sql`1` : sql`${activeCount} < ${limit}`})`);
  return result.meta.changes === 1;
}

export function listActiveApiKeys(db: Database, orgId: string, after: Cursor | null, limit: number) {
  return db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.orgId, orgId),
        isNull(apiKeys.revokedAt),
        after ? olderThan(after, apiKeys.createdAt, apiKeys.id) : undefined,
      ),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(limit + 1);
}

export async function findActiveApiKey(db: Database, orgId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  return (
    await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
      .limit(1)
  )[0];
}

/** The key's revocation time (null while active); undefined when the org has no such key. */
export async function findApiKeyRevokedAt(
  db: Database,
  orgId: string,
  keyId: string,
): Promise<{ revokedAt: number | null } | undefined> {
  return (
    await db
      .select({ revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId)))
      .limit(1)
  )[0];
}

export async function markApiKeyRevoked(db: Database, orgId: string, keyId: string, now: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)));
}
