import { desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { type OrganizationRow, type OrganizationStatus, organizations } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, olderThan, toPage } from "../lib/pagination";
import { effectiveLimits, type LimitOverrides, type PlanLimits, type PlanName } from "../lib/plans";
import { iso, isoOrNull } from "../lib/time";

export interface Organization {
  id: string;
  name: string;
  plan: PlanName;
  status: OrganizationStatus;
  limits: PlanLimits;
  limitOverrides: LimitOverridesView;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
}

/** A limit override: a number, `"unlimited"`, or `null` to fall back to the plan's default. */
export type LimitPatch = { [K in keyof PlanLimits]?: number | "unlimited" | null };

/** The operator's overrides as they are set (`"unlimited"`, never `null`); limits that follow the plan are absent. */
export type LimitOverridesView = { pointsPerMinute?: number } & {
  [K in Exclude<keyof PlanLimits, "pointsPerMinute">]?: number | "unlimited";
};

function overridesView(overrides: LimitOverrides | null): LimitOverridesView {
  const view: Record<string, number | "unlimited"> = {};
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) view[name] = value ?? "unlimited";
  }
  return view;
}

export interface OrganizationPatch {
  name?: string;
  plan?: PlanName;
  status?: OrganizationStatus;
  limits?: LimitPatch;
}

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    status: row.status,
    limits: effectiveLimits(row.plan, row.limitOverrides),
    limitOverrides: overridesView(row.limitOverrides),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    cancelledAt: isoOrNull(row.cancelledAt),
  };
}

/** Creates an active organization; its creation time is its billing anchor. */
export async function createOrganization(db: Database, input: { name: string; plan: PlanName }) {
  const now = Date.now();
  const [row] = await db
    .insert(organizations)
    .values({ id: newId("org"), name: input.name, plan: input.plan, status: "active", createdAt: now, updatedAt: now })
    .returning();
  if (!row) throw new Error("organization insert returned no row");
  return row;
}

export async function getOrganization(db: Database, orgId: string): Promise<OrganizationRow> {
  const row = (await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1))[0];
  if (!row) throw new ApiError("not_found", `No organization ${orgId}.`);
  return row;
}

export async function listOrganizations(db: Database, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await db
    .select()
    .from(organizations)
    .where(after ? olderThan(after, organizations.createdAt, organizations.id) : undefined)
    .orderBy(desc(organizations.createdAt), desc(organizations.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit, (r) => ({ v: r.createdAt, id: r.id }), toOrganization);
}

export async function updateOrganization(db: Database, orgId: string, patch: OrganizationPatch) {
  const current = await getOrganization(db, orgId);
  const now = Date.now();
  const overrides: LimitOverrides = { ...current.limitOverrides };
  for (const [name, value] of Object.entries(patch.limits ?? {}) as [
    keyof PlanLimits,
    LimitPatch[keyof PlanLimits],
  ][]) {
    if (value === null) delete overrides[name];
    else if (value !== undefined) overrides[name] = value === "unlimited" ? null : value;
  }
  let cancelledAt = current.cancelledAt;
  if (patch.status === "cancelled" && current.status !== "cancelled") cancelledAt = now;
  if (patch.status && patch.status !== "cancelled") cancelledAt = null;
  const [row] = await db
    .update(organizations)
    .set({
      name: patch.name ?? current.name,
      plan: patch.plan ?? current.plan,
      status: patch.status ?? current.status,
      limitOverrides: Object.keys(overrides).length > 0 ? overrides : null,
      cancelledAt,
      updatedAt: now,
    })
    .where(eq(organizations.id, orgId))
    .returning();
  if (!row) throw new ApiError("not_found", `No organization ${orgId}.`);
  return row;
}
