import { createDb } from "../db/client";
import { sweepExpiredSessions } from "../services/dashboard-sessions";

/** Deletes expired dashboard sessions (absolute or idle expiry), a bounded batch per run. */
export async function sweepDashboardSessions(env: Env, now: number): Promise<number> {
  return sweepExpiredSessions(createDb(env.DB), now);
}
