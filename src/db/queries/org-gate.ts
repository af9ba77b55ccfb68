import { and, eq } from "drizzle-orm";
import type { Database } from "../client";
import { apiKeys, organizations } from "../schema";

/** The organization and whether each of its keys is revoked: what its gate keeps in memory. */
export interface GateOrganization {
  org: Pick<typeof organizations.$inferSelect, "name" | "plan" | "status" | "limitOverrides" | "createdAt"> | null;
  keys: { id: string; revokedAt: number | null }[];
}

/** Reads the organization and its keys in one round trip; `org` is null for an unknown organization. */
export async function getGateOrganization(db: Database, orgId: string): Promise<GateOrganization> {
  const [orgRows, keys] = await db.batch([
    db
      .select({
        name: organizations.name,
        plan: organizations.plan,
        status: organizations.status,
        limitOverrides: organizations.limitOverrides,
        createdAt: organizations.createdAt,
      })
      .from(organizations)
      .where(eq(organizations.id, orgId)),
    db.select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.orgId, orgId)),
  ]);
  return { org: orgRows[0] ?? null, keys };
}

/** Writes the last-use times the gate collected for the organization's keys, in one batch. */
export async function setKeysLastUsed(db: Database, orgId: string, lastUsed: [keyId: string, at: number][]) {
  const [first, ...rest] = lastUsed.map(([keyId, at]) =>
    db
      .update(apiKeys)
      .set({ lastUsedAt: at })
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId))),
  );
  if (first) await db.batch([first, ...rest]);
}
