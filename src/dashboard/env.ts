import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { DashboardMember } from "../services/dashboard-sessions";

/** The app's environment plus the signed-in member, set by the session middleware on every signed-in page. */
export interface DashboardEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { member: DashboardMember };
}

export type DashboardContext = Context<DashboardEnv>;
