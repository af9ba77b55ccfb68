import { createDb } from "../db/client";
import { queueProducer } from "../queues/producer";
import { announceSessionsPage, endDueSessionsPage } from "../services/room-session-ends";

/** One run's bounds: pages (one D1 batch, and one queue send when announcing) within a wall-clock budget. */
export const SESSION_JOB_LIMITS = { maxPages: 50, timeBudgetMs: 20_000, pageSize: 200 };

/**
 * Ends room sessions whose 2 minutes with fewer than two participants have passed, then announces
 * sessions of quiet rooms (`room.session.started` / `ended`, once each). Idempotent.
 */
export async function endRoomSessions(env: Env, now: number, limits = SESSION_JOB_LIMITS) {
  const db = createDb(env.DB);
  const queues = queueProducer(env);
  const started = Date.now();
  let pages = 0;
  const within = () => pages < limits.maxPages && Date.now() - started < limits.timeBudgetMs;
  let ended = 0;
  let announced = 0;
  for (let due = limits.pageSize; due === limits.pageSize && within(); pages++) {
    due = await endDueSessionsPage(db, now, limits.pageSize);
    ended += due;
  }
  for (let due = limits.pageSize; due === limits.pageSize && within(); pages++) {
    due = await announceSessionsPage(db, queues, now, limits.pageSize);
    announced += due;
  }
  return { ended, announced, pages };
}
