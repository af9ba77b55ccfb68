import { sql } from "drizzle-orm";
import { sqlBatch } from "../db/batch";
import { createDb } from "../db/client";
import { events, meetings, roomThemes } from "../db/schema";
import { newId } from "../lib/ids";
import { publishEvents } from "../services/events";
import { roomLogoKey } from "../storage/keys";

/** Meetings per page: one SQL batch marks them, records their events and drops their themes. */
export const EXPIRY_PAGE_SIZE = 1000;
/**
 * One run's bounds. A page costs about four subrequests (D1 batch, R2 delete, queue send, outbox
 * mark), so 100 pages stay far below the 1,000 allowed; the wall-clock budget keeps a run well
 * inside the cron CPU limit even when D1 is slow. 100,000 expired meetings clear in one or two runs.
 */
export const EXPIRY_LIMITS = { maxPages: 100, timeBudgetMs: 20_000, pageSize: EXPIRY_PAGE_SIZE };

const isoSql = (column: string) =>
  sql.raw(
    `strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || '.' || printf('%03d', ${column} % 1000) || 'Z'`,
  );

/**
 * Deletes meetings one hour past their `endDate` and emits `meeting.expired` for each. Each page
 * is one transaction, so a crash never leaves a meeting deleted without its event; running twice
 * finds nothing new (idempotent). Event ids here are minted by SQLite (`evt_` + 96 random bits)
 * because D1 binds at most 100 parameters per statement.
 */
export async function expireMeetings(
  env: Env,
  now: number,
  limits = EXPIRY_LIMITS,
): Promise<{ expired: number; pages: number }> {
  const db = createDb(env.DB);
  const started = Date.now();
  let expired = 0;
  let pages = 0;
  while (pages < limits.maxPages && Date.now() - started < limits.timeBudgetMs) {
    const run = newId("exp");
    const [marked, recorded, themes] = await sqlBatch(db, [
      sql`
        UPDATE ${meetings} SET deleted_at = ${now}, expiry_run = ${run}
        WHERE id IN (SELECT id FROM ${meetings} WHERE deleted_at IS NULL AND expires_at <= ${now}
                     ORDER BY expires_at LIMIT ${limits.pageSize})`,
      sql`
        INSERT INTO ${events} (id, org_id, type, data, created_at)
        SELECT 'evt_' || lower(hex(randomblob(12))), org_id, 'meeting.expired',
               json_object('meetingId', id, 'roomName', room_name,
                           'startDate', ${isoSql("start_date")}, 'endDate', ${isoSql("end_date")}),
               ${now}
        FROM ${meetings} WHERE expiry_run = ${run}
        RETURNING id`,
      sql`
        DELETE FROM ${roomThemes}
        WHERE EXISTS (SELECT 1 FROM ${meetings} m WHERE m.expiry_run = ${run}
                      AND m.org_id = ${roomThemes}.org_id AND m.room_name = ${roomThemes}.room_name)
        RETURNING logo_id`,
    ]);
    pages++;
    const logoKeys = (themes?.results ?? []).flatMap((t) => (t.logo_id ? [roomLogoKey(String(t.logo_id))] : []));
    if (logoKeys.length > 0) await env.RECORDINGS.delete(logoKeys);
    await publishEvents(
      env,
      db,
      (recorded?.results ?? []).map((e) => String(e.id)),
    );
    const changed = marked?.meta.changes ?? 0;
    expired += changed;
    if (changed < limits.pageSize) break;
  }
  return { expired, pages };
}
