import { ApiError } from "../lib/errors";
import type { DashboardContext } from "./env";

/** The organization as its Durable Object knows it (plan, limits, usage), read without spending points. */
export async function organizationView(c: DashboardContext, days = 0) {
  const { orgId } = c.get("member");
  const view = await c.var.deps.gateOf(orgId).dashboardView(orgId, days);
  if (!view) throw new ApiError("not_found", "This organization no longer exists.");
  return view;
}
