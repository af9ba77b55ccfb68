import { createDb } from "../db/client";
import { queueProducer } from "../queues/producer";
import { endDueSessionsPage } from "../services/room-session-ends";

/** One run's bounds: pages of sessions (one D1 batch and one queue send each) within a wall-clock budget. */
export const SESSION_END_LIMITS = { maxPages: 50, timeBudgetMs: 20_000, pageSize: 200 };

/** Ends room sessions whose 2 minutes with fewer than two participants have passed. Idempotent. */
export async function endRoomSessions(env: Env, now: number, limits = SESSION_END_LIMITS) {
  const db = createDb(env.DB);
  const queues = queueProducer(env);
  const started = Date.now();
  let ended = 0;
  let pages = 0;
  while (pages < limits.maxPages && Date.now() - started < limits.timeBudgetMs) {
    const due = await endDueSessionsPage(db, queues, now, limits.pageSize);
    pages++;
    ended += due;
    if (due < limits.pageSize) break;
  }
  return { ended, pages };
}
