import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { recordAudit } from "../services/audit-log";
import type { DashboardContext } from "./env";

/** What a dashboard mutation did, for the audit log: the route it answers and the object it changed. */
export interface DashboardActionRecord<T> {
  /** The dashboard route template, e.g. `/dashboard/api-keys/{keyId}/revoke`. */
  route: string;
  objectId?: string | null;
  /** For a create: the new object's id, read from the service's result. */
  createdId?: (result: T) => string;
}

/**
 * THE way every dashboard mutation runs: each form handler calls its service through here, so the audit record
 * (the signed-in member as actor, `memberId` instead of `keyId`) is written in this one place, after the action
 * and off the response path, as the API's audit trail does. Its `status` is the action's outcome: 200 when the
 * service call succeeded, else the status of the error it refused with. Dashboard actions are charged no points:
 * nothing here touches the point budget.
 */
export async function dashboardAction<T>(
  c: DashboardContext,
  record: DashboardActionRecord<T>,
  run: () => Promise<T>,
): Promise<T> {
  const createdAt = Date.now();
  let status = 200;
  let objectId = record.objectId ?? null;
  try {
    const result = await run();
    if (record.createdId) objectId = record.createdId(result);
    return result;
  } catch (error) {
    status = error instanceof ApiError ? error.status : 500;
    throw error;
  } finally {
    const member = c.get("member");
    const { db, queues } = c.var.deps;
    c.executionCtx.waitUntil(
      recordAudit(db, queues, {
        id: newId("aud"),
        orgId: member.orgId,
        keyId: null,
        memberId: member.memberId,
        actorType: "dashboard",
        method: c.req.method,
        route: record.route,
        objectId,
        status,
        requestId: c.get("requestId"),
        createdAt,
      }),
    );
  }
}
