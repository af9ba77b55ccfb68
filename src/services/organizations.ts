import type { Database } from "../db/client";
import {
  getOrganizationRow,
  insertOrganization,
  listOrganizationRows,
  updateOrganizationRow,
} from "../db/queries/organizations";
import type { OrganizationRow, OrganizationStatus } from "../db/schema";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
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
  return insertOrganization(db, {
    id: newId("org"),
    name: input.name,
    plan: input.plan,
    status: "active",
    limitOverrides: null,
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    purgeClaimedAt: null,
  });
}

export async function getOrganization(db: Database, orgId: string): Promise<OrganizationRow> {
  return getOrganizationRow(db, orgId);
}

export async function listOrganizations(db: Database, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await listOrganizationRows(db, after, page.limit);
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
  return updateOrganizationRow(db, orgId, {
    name: patch.name ?? current.name,
    plan: patch.plan ?? current.plan,
    status: patch.status ?? current.status,
    limitOverrides: Object.keys(overrides).length > 0 ? overrides : null,
    cancelledAt,
    updatedAt: now,
  });
}
