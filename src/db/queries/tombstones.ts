import { type SQL, sql } from "drizzle-orm";
import { summaries, type TombstoneKind, tombstones, transcriptions } from "../schema";

/** For a batch: one row when the organization deleted this object lately. */
export function findTombstone(orgId: string, kind: TombstoneKind, id: string): SQL {
  return sql`SELECT 1 AS found FROM ${tombstones} WHERE id = ${id} AND org_id = ${orgId} AND kind = ${kind}`;
}

/** For a batch, before the deletes: tombstones for the transcription and its summary, if they exist. */
export function buryTranscriptionStatements(orgId: string, transcriptionId: string, now: number): SQL[] {
  return [
    sql`INSERT INTO ${tombstones} (id, org_id, kind, deleted_at)
        SELECT id, org_id, 'transcription', ${now} FROM ${transcriptions} WHERE id = ${transcriptionId} AND org_id = ${orgId}
        ON CONFLICT DO NOTHING`,
    sql`INSERT INTO ${tombstones} (id, org_id, kind, deleted_at)
        SELECT id, org_id, 'summary', ${now} FROM ${summaries} WHERE transcription_id = ${transcriptionId} AND org_id = ${orgId}
        ON CONFLICT DO NOTHING`,
  ];
}

/** For a batch, before the delete: a tombstone for the summary, if it exists. */
export function burySummaryStatement(orgId: string, summaryId: string, now: number): SQL {
  return sql`INSERT INTO ${tombstones} (id, org_id, kind, deleted_at)
      SELECT id, org_id, 'summary', ${now} FROM ${summaries} WHERE id = ${summaryId} AND org_id = ${orgId}
      ON CONFLICT DO NOTHING`;
}
