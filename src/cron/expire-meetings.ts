import { createDb } from "../db/client";
import { queueProducer } from "../queues/producer";
import { expireMeetingsPage } from "../services/meeting-expiry";

/** Meetings per page: one SQL batch marks them, records their events and drops their themes. */
export const EXPIRY_PAGE_SIZE = 1000;
/**
 * One run's bounds. A page costs about four subrequests (D1 batch, R2 delete, queue send, outbox
 * mark), so 100 pages stay far below the 1,000 allowed; the wall-clock budget keeps a run well
 * inside the cron CPU limit even when D1 is slow. 100,000 expired meetings clear in one or two runs.
 */
export const EXPIRY_LIMITS = { maxPages: 100, timeBudgetMs: 20_000, pageSize: EXPIRY_PAGE_SIZE };

/**
 * Deletes meetings one hour past their `endDate` and emits `meeting.expired` for each. Each page
 * is one transaction, so a crash never leaves a meeting deleted without its event; running twice
 * finds nothing new (idempotent).
 */
export async function expireMeetings(
  env: Env,
  now: number,
  limits = EXPIRY_LIMITS,
): Promise<{ expired: number; pages: number }> {
  const db = createDb(env.DB);
  const queues = queueProducer(env);
  const started = Date.now();
  let expired = 0;
  let pages = 0;
  while (pages < limits.maxPages && Date.now() - started < limits.timeBudgetMs) {
    const changed = await expireMeetingsPage(db, env.RECORDINGS, queues, now, limits.pageSize);
    pages++;
    expired += changed;
    if (changed < limits.pageSize) break;
  }
  return { expired, pages };
}
