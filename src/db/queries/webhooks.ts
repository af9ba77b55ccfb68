import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { type Cursor, olderThan } from "../../lib/pagination";
import type { Database } from "../client";
import { type WebhookEndpointRow, webhookEndpoints } from "../schema";

/**
 * Inserts the endpoint only while the org has fewer than `limit` (null: no limit), in one statement so
 * concurrent creations cannot overshoot. True if it was inserted.
 */
export async function insertWebhookWithinLimit(
  db: Database,
  row: WebhookEndpointRow,
  limit: number | null,
): Promise<boolean> {
  const count = sql`(SELECT count(*) FROM ${webhookEndpoints} WHERE org_id = ${row.orgId})`;
  const result = await db.run(sql`
    INSERT INTO ${webhookEndpoints} (id, org_id, url, events, description, status, secret, created_at, updated_at)
    SELECT ${row.id}, ${row.orgId}, ${row.url}, ${JSON.stringify(row.events)}, ${row.description}, 'enabled',
           ${row.secret}, ${row.createdAt}, ${row.updatedAt}
    WHERE ${limit === null ? sql`1` : sql`${count} < ${limit}`}`);
  return result.meta.changes === 1;
}

export async function findWebhook(db: Database, orgId: string, id: string): Promise<WebhookEndpointRow | undefined> {
  return (
    await db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
      .limit(1)
  )[0];
}

export function listWebhookRows(db: Database, orgId: string, after: Cursor | null, limit: number) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.orgId, orgId),
        after ? olderThan(after, webhookEndpoints.createdAt, webhookEndpoints.id) : undefined,
      ),
    )
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .limit(limit + 1);
}

export function listEnabledWebhooks(db: Database, orgId: string) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.status, "enabled")));
}

/** Applies `changes` (a column may be set from SQL); the updated row, or undefined when the org has no such endpoint. */
export async function updateWebhookRow(
  db: Database,
  orgId: string,
  id: string,
  changes: Partial<{ [K in keyof WebhookEndpointRow]: WebhookEndpointRow[K] | SQL }>,
): Promise<WebhookEndpointRow | undefined> {
  const updated = await db
    .update(webhookEndpoints)
    .set(changes)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
    .returning();
  return updated[0];
}

/** The current secret becomes the previous one until `previousSecretExpiresAt`. */
export function rotateWebhookSecretRow(
  db: Database,
  orgId: string,
  id: string,
  secret: string,
  previousSecretExpiresAt: number,
  now: number,
) {
  return updateWebhookRow(db, orgId, id, {
    secret,
    previousSecret: sql`${webhookEndpoints.secret}`,
    previousSecretExpiresAt,
    updatedAt: now,
  });
}

/** True if the org had such an endpoint. */
export async function deleteWebhookRow(db: Database, orgId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.orgId, orgId)))
    .returning({ id: webhookEndpoints.id });
  return deleted.length > 0;
}
