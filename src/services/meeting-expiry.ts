import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import { expireMeetingsPageStatements } from "../db/queries/system";
import { newId } from "../lib/ids";
import type { Queues } from "../queues/producer";
import { roomLogoKey } from "../storage/keys";
import { publishEvents } from "./events";

/**
 * Deletes one page of meetings past their hour of grace, across organizations, and emits `meeting.expired`
 * for each in the same transaction (so a crash never leaves a meeting deleted without its event); their
 * room themes go too, and their logos from R2. Returns how many meetings the page expired.
 */
export async function expireMeetingsPage(
  db: Database,
  bucket: R2Bucket,
  queues: Queues,
  now: number,
  pageSize: number,
): Promise<number> {
  const [marked, recorded, themes] = await sqlBatch(db, expireMeetingsPageStatements(newId("exp"), now, pageSize));
  const logoKeys = (themes?.results ?? []).flatMap((t) => (t.logo_id ? [roomLogoKey(String(t.logo_id))] : []));
  if (logoKeys.length > 0) await bucket.delete(logoKeys);
  await publishEvents(
    queues,
    db,
    (recorded?.results ?? []).map((e) => String(e.id)),
  );
  return marked?.meta.changes ?? 0;
}
