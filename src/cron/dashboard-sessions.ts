import { createDb } from "../db/client";
import { deleteExpiredSessions } from "../db/queries/dashboard";
import { SESSION_IDLE_MS } from "../services/dashboard-sessions";

/** At most this many sessions go per run; a backlog is cleared over the following minutes. */
export const SESSION_SWEEP_BATCH = 500;

/** Deletes dashboard sessions past their absolute (7 d) or idle (12 h) expiry: a bounded batch per run. */
export async function sweepDashboardSessions(env: Env, now: number): Promise<number> {
  return deleteExpiredSessions(createDb(env.DB), now, SESSION_IDLE_MS, SESSION_SWEEP_BATCH);
}
