import { desc, eq } from "drizzle-orm";
import { ApiError } from "../../lib/errors";
import { type Cursor, olderThan } from "../../lib/pagination";
import type { Database } from "../client";
import { type OrganizationRow, organizations } from "../schema";

/** Organizations are the tenants themselves: these are the operator's queries, keyed by the org's own id. */
export async function insertOrganization(db: Database, row: OrganizationRow): Promise<OrganizationRow> {
  const [inserted] = await db.insert(organizations).values(row).returning();
  if (!inserted) throw new Error("organization insert returned no row");
  return inserted;
}

export async function getOrganizationRow(db: Database, orgId: string): Promise<OrganizationRow> {
  const row = (await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1))[0];
  if (!row) throw new ApiError("not_found", `No organization ${orgId}.`);
  return row;
}

export function listOrganizationRows(db: Database, after: Cursor | null, limit: number) {
  return db
    .select()
    .from(organizations)
    .where(after ? olderThan(after, organizations.createdAt, organizations.id) : undefined)
    .orderBy(desc(organizations.createdAt), desc(organizations.id))
    .limit(limit + 1);
}

export async function updateOrganizationRow(
  db: Database,
  orgId: string,
  changes: Partial<Omit<OrganizationRow, "id" | "createdAt">>,
): Promise<OrganizationRow> {
  const [row] = await db.update(organizations).set(changes).where(eq(organizations.id, orgId)).returning();
  if (!row) throw new ApiError("not_found", `No organization ${orgId}.`);
  return row;
}
