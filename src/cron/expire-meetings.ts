import { sql } from "drizzle-orm";
import { sqlBatch } from "../db/batch";
import { createDb } from "../db/client";
import { events, meetings, roomThemes } from "../db/schema";
import { newId } from "../lib/ids";
import { publishEvents } from "../services/events";
import { roomLogoKey } from "../storage/keys";

/** Meetings per page: one SQL batch marks them, records their events and drops their themes. */
export const EXPIRY_PAGE_SIZE = 1000;
/** Pages per run: bounds one run's D1 queries (~15 a page, of the 1,000 allowed) and CPU time. */
export const EXPIRY_MAX_PAGES = 10;

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
export async function expireMeetings(env: Env, now: number): Promise<{ expired: number; pages: number }> {
  const db = createDb(env.DB);
  let expired = 0;
  let pages = 0;
  while (pages < EXPIRY_MAX_PAGES) {
    const run = newId("exp");
    const [marked, recorded, themes] = await sqlBatch(db, [
      sql`
        UPDATE ${meetings} SET deleted_at = ${now}, expiry_run = ${run}
        WHERE id IN (SELECT id FROM ${meetings} WHERE deleted_at IS NULL AND expires_at <= ${now}
                     ORDER BY expires_at LIMIT ${EXPIRY_PAGE_SIZE})`,
      sql`
        INSERT INTO ${events} (id, org_id, type, data, created_at)
        SELECT 'evt_' || lower(hex(randomblob(12))), org_id, 'meeting.expired',
               json_object('meetingId', id, 'roomName', room_name,
                           'startDate', ${isoSql("start_date")}, 'endDate', ${isoSql("end_date")}),
               ${now}
        FROM ${meetings} WHERE expiry_run = ${run}
        RETURNING id, org_id`,
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
      (recorded?.results ?? []).map((e) => ({ id: String(e.id), orgId: String(e.org_id) })),
    );
    const changed = marked?.meta.changes ?? 0;
    expired += changed;
    if (changed < EXPIRY_PAGE_SIZE) break;
  }
  return { expired, pages };
}
