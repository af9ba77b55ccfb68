import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  aiResults,
  apiKeys,
  dashboardSessions,
  dataExports,
  type ErasureState,
  erasures,
  events,
  invitations,
  meetings,
  members,
  recordings,
  roomEvents,
  roomParticipants,
  roomStates,
  summaries,
  tombstones,
  transcriptions,
  transcriptSegmentPages,
  webhookEndpoints,
} from "../schema";

type ErasureRow = typeof erasures.$inferSelect;

export type { ErasureRow };

/** Rows read per page of a scan: small enough that a page's writes stay far below D1's limits per batch. */
export const SCAN_PAGE = 50;
/** Segment pages (each ≤ ~512 KB) redacted per step. */
export const SEGMENT_PAGES_PER_STEP = 2;

const sameErasure = (orgId: string, erasureId: string) => and(eq(erasures.id, erasureId), eq(erasures.orgId, orgId));

export function insertErasure(db: Database, row: ErasureRow) {
  return db.insert(erasures).values(row);
}

/** The organization's latest erasure requests, newest first (the dashboard's Data page). */
export async function listRecentErasureRows(db: Database, orgId: string, limit: number) {
  return db
    .select()
    .from(erasures)
    .where(eq(erasures.orgId, orgId))
    .orderBy(desc(erasures.createdAt), desc(erasures.id))
    .limit(limit);
}

export async function findErasureRow(db: Database, orgId: string, erasureId: string) {
  return (await db.select().from(erasures).where(sameErasure(orgId, erasureId)).limit(1))[0];
}

/**
 * For a step's batch: saves progress and counts, only if no other run of the job committed this step
 * first (a redelivered message running beside the first): the loser's counts are dropped, its
 * redactions are the same writes again.
 */
export function saveProgress(
  erasureId: string,
  step: number,
  update: { state: ErasureState; progress: Record<string, unknown> | null; counts: Record<string, number> },
  completedAt: number | null,
): SQL {
  const clearValue = update.state === "in_progress" ? sql`subject_value` : sql`NULL`;
  return sql`UPDATE ${erasures} SET state = ${update.state}, progress = ${update.progress === null ? null : JSON.stringify(update.progress)},
      counts = ${JSON.stringify(update.counts)}, completed_at = ${completedAt}, subject_value = ${clearValue}
    WHERE id = ${erasureId} AND state = 'in_progress' AND coalesce(json_extract(progress, '$.step'), 0) = ${step - 1}
    RETURNING id`;
}

/** An erasure whose job gave up: failed, and its clear value dropped all the same. */
export function failErasureStatement(orgId: string, erasureId: string, now: number): SQL {
  return sql`UPDATE ${erasures} SET state = 'failed', subject_value = NULL, progress = NULL, completed_at = ${now}
    WHERE id = ${erasureId} AND org_id = ${orgId} AND state = 'in_progress'`;
}

// --- Scans: one page of the organization's rows after the cursor, in key order. ---

export function participantPage(db: Database, orgId: string, after: string) {
  return db.all<{
    id: string;
    room_name: string;
    participant_id: string;
    display_name: string | null;
    external_id: string | null;
  }>(
    sql`SELECT id, room_name, participant_id, display_name, external_id FROM ${roomParticipants}
        WHERE org_id = ${orgId} AND id > ${after} ORDER BY id LIMIT ${SCAN_PAGE}`,
  );
}

export function roomEventPage(db: Database, orgId: string, after: string) {
  return db.all<{ dedup_key: string; room_name: string; display_name: string | null; external_id: string | null }>(
    sql`SELECT dedup_key, room_name, display_name, external_id FROM ${roomEvents}
        WHERE org_id = ${orgId} AND dedup_key > ${after} ORDER BY dedup_key LIMIT ${SCAN_PAGE}`,
  );
}

export function eventPage(db: Database, orgId: string, after: string) {
  return db.all<{ id: string; data: string }>(
    sql`SELECT id, data FROM ${events} WHERE org_id = ${orgId} AND id > ${after} ORDER BY id LIMIT ${SCAN_PAGE}`,
  );
}

/** Free-text columns that may mention a person, on tables keyed by `id`. */
const TEXT_COLUMNS = {
  meetingMetadata: { table: meetings, column: "metadata" },
  recordingFilename: { table: recordings, column: "filename" },
  apiKeyName: { table: apiKeys, column: "name" },
  webhookDescription: { table: webhookEndpoints, column: "description" },
} as const;
export type TextColumn = keyof typeof TEXT_COLUMNS;

/** A page of one text column's rows (the value null when the row has none). */
export function textColumnPage(db: Database, which: TextColumn, orgId: string, after: string) {
  const { table, column } = TEXT_COLUMNS[which];
  return db.all<{ id: string; value: string | null }>(
    sql`SELECT id, ${sql.identifier(column)} AS value FROM ${table}
        WHERE org_id = ${orgId} AND id > ${after} ORDER BY id LIMIT ${SCAN_PAGE}`,
  );
}

export function setTextColumn(which: TextColumn, orgId: string, id: string, value: string): SQL {
  const { table, column } = TEXT_COLUMNS[which];
  return sql`UPDATE ${table} SET ${sql.identifier(column)} = ${value} WHERE id = ${id} AND org_id = ${orgId}`;
}

/** A participant's fields replaced, with every stored event of that participant in that room. */
export function eraseParticipantStatements(orgId: string, id: string, roomName: string, participantId: string): SQL[] {
  return [
    sql`UPDATE ${roomParticipants} SET display_name = iif(display_name IS NULL, NULL, '[erased]'),
          external_id = iif(external_id IS NULL, NULL, '[erased]')
        WHERE org_id = ${orgId} AND id = ${id}`,
    sql`UPDATE ${roomEvents} SET display_name = iif(display_name IS NULL, NULL, '[erased]'),
          external_id = iif(external_id IS NULL, NULL, '[erased]')
        WHERE org_id = ${orgId} AND room_name = ${roomName} AND participant_id = ${participantId}`,
  ];
}

export function eraseRoomEventStatement(orgId: string, dedupKey: string): SQL {
  return sql`UPDATE ${roomEvents} SET display_name = iif(display_name IS NULL, NULL, '[erased]'),
        external_id = iif(external_id IS NULL, NULL, '[erased]')
      WHERE org_id = ${orgId} AND dedup_key = ${dedupKey}`;
}

/**
 * Bumps the room's version: an ingest that read the room's events before this batch fails its
 * version check and re-derives from the redacted events, so it cannot write the old names back.
 */
export function bumpRoomVersion(orgId: string, roomName: string): SQL {
  return sql`UPDATE ${roomStates} SET version = version + 1 WHERE org_id = ${orgId} AND room_name = ${roomName}`;
}

export function setEventData(orgId: string, id: string, data: unknown): SQL {
  return sql`UPDATE ${events} SET data = ${JSON.stringify(data)} WHERE id = ${id} AND org_id = ${orgId}`;
}

export async function nextTranscription(db: Database, orgId: string, from: string, inclusive: boolean) {
  const after = inclusive ? sql`id >= ${from}` : sql`id > ${from}`;
  return (
    await db
      .select()
      .from(transcriptions)
      .where(and(eq(transcriptions.orgId, orgId), after))
      .orderBy(transcriptions.id)
      .limit(1)
  )[0];
}

export function segmentPagesFrom(db: Database, orgId: string, transcriptionId: string, fromPage: number) {
  return db.all<{ page: number; segments: string }>(
    sql`SELECT page, segments FROM ${transcriptSegmentPages}
        WHERE org_id = ${orgId} AND transcription_id = ${transcriptionId} AND page >= ${fromPage}
        ORDER BY page LIMIT ${SEGMENT_PAGES_PER_STEP + 1}`,
  );
}

export function setSegmentPage(orgId: string, transcriptionId: string, page: number, segments: string): SQL {
  return sql`UPDATE ${transcriptSegmentPages} SET segments = ${segments}
    WHERE org_id = ${orgId} AND transcription_id = ${transcriptionId} AND page = ${page}`;
}

export function setTranscriptionPeople(
  orgId: string,
  transcriptionId: string,
  fields: { speakerLabels: string[]; speakerNames: Record<string, string>; error: string | null },
): SQL {
  return sql`UPDATE ${transcriptions} SET speaker_labels = ${JSON.stringify(fields.speakerLabels)},
      speaker_names = ${JSON.stringify(fields.speakerNames)}, error = ${fields.error}
    WHERE id = ${transcriptionId} AND org_id = ${orgId}`;
}

/** A transcription's summary and cached generations, with what they say (to search, delete and count). */
export async function aiOutputsOf(db: Database, orgId: string, transcriptionId: string) {
  const [summaryRows, resultRows] = await db.batch([
    db
      .select({ id: summaries.id, result: summaries.result, error: summaries.error })
      .from(summaries)
      .where(and(eq(summaries.orgId, orgId), eq(summaries.transcriptionId, transcriptionId))),
    db
      .select({ kind: aiResults.kind, paramsHash: aiResults.paramsHash, result: aiResults.result })
      .from(aiResults)
      .where(and(eq(aiResults.orgId, orgId), eq(aiResults.transcriptionId, transcriptionId))),
  ]);
  return { summaries: summaryRows, results: resultRows };
}

/** The summary's delete, leaving a tombstone so deleting it again answers 204 (as `DELETE /summaries/{id}`). */
export function deleteSummaryStatements(orgId: string, summaryId: string, now: number): SQL[] {
  return [
    sql`INSERT INTO ${tombstones} (id, org_id, kind, deleted_at)
        SELECT id, org_id, 'summary', ${now} FROM ${summaries} WHERE id = ${summaryId} AND org_id = ${orgId}
        ON CONFLICT DO NOTHING`,
    sql`DELETE FROM ${summaries} WHERE id = ${summaryId} AND org_id = ${orgId}`,
  ];
}

export function deleteAiResultStatement(orgId: string, transcriptionId: string, kind: string, paramsHash: string): SQL {
  return sql`DELETE FROM ${aiResults}
    WHERE org_id = ${orgId} AND transcription_id = ${transcriptionId} AND kind = ${kind} AND params_hash = ${paramsHash}`;
}

export function deleteErasureRow(db: Database, orgId: string, erasureId: string) {
  return db.delete(erasures).where(sameErasure(orgId, erasureId));
}

/** Finished exports made before the erasure (they hold the subject): their ids, to delete with their objects. */
export function finishedExportsBefore(db: Database, orgId: string, before: number) {
  return db.all<{ id: string }>(
    sql`SELECT id FROM ${dataExports} WHERE org_id = ${orgId} AND state != 'in_progress' AND created_at <= ${before}
        ORDER BY id LIMIT ${SCAN_PAGE}`,
  );
}

export function deleteExportStatement(orgId: string, exportId: string): SQL {
  return sql`DELETE FROM ${dataExports} WHERE id = ${exportId} AND org_id = ${orgId}`;
}

// --- Dashboard members and invitations (SPEC §11). ---

export function memberPage(db: Database, orgId: string, after: string) {
  return db.all<{ id: string; email: string; name: string; role: string }>(
    sql`SELECT id, email, name, role FROM ${members} WHERE org_id = ${orgId} AND id > ${after} ORDER BY id LIMIT ${SCAN_PAGE}`,
  );
}

export async function ownerCount(db: Database, orgId: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM ${members} WHERE org_id = ${orgId} AND role = 'owner'`,
  );
  return row?.n ?? 0;
}

const anotherOwner = (orgId: string, memberId: string) =>
  sql`EXISTS (SELECT 1 FROM ${members} m2 WHERE m2.org_id = ${orgId} AND m2.role = 'owner' AND m2.id != ${memberId})`;

/**
 * A member who is the subject: removed with their sessions and the invitations to their email, unless they are the organization's last owner, who
 * keeps the email they sign in with (and their sessions) and loses only their name. The SQL decides which, in
 * the step's batch, so a role changed meanwhile cannot leave the organization without an owner.
 */
export function eraseMemberStatements(orgId: string, memberId: string, email: string, now: number): SQL[] {
  const lastOwner = sql`role = 'owner' AND NOT ${anotherOwner(orgId, memberId)}`;
  return [
    sql`UPDATE ${members} SET name = '[erased]', updated_at = ${now}
        WHERE id = ${memberId} AND org_id = ${orgId} AND ${lastOwner}`,
    sql`DELETE FROM ${members} WHERE id = ${memberId} AND org_id = ${orgId} AND NOT (${lastOwner})`,
    sql`DELETE FROM ${dashboardSessions} WHERE org_id = ${orgId} AND member_id = ${memberId}
        AND NOT EXISTS (SELECT 1 FROM ${members} WHERE id = ${memberId})`,
    sql`DELETE FROM ${invitations} WHERE org_id = ${orgId} AND email = ${email}
        AND NOT EXISTS (SELECT 1 FROM ${members} WHERE id = ${memberId})`,
  ];
}

export function invitationPage(db: Database, orgId: string, after: string) {
  return db.all<{ id: string; email: string }>(
    sql`SELECT id, email FROM ${invitations} WHERE org_id = ${orgId} AND id > ${after} ORDER BY id LIMIT ${SCAN_PAGE}`,
  );
}

export function deleteInvitationStatement(orgId: string, invitationId: string): SQL {
  return sql`DELETE FROM ${invitations} WHERE id = ${invitationId} AND org_id = ${orgId}`;
}

// --- Writes of jobs that were running while an erasure ran (see `services/erasure/late-writes.ts`). ---

/** Erasures of the organization not finished before `since` (running then, or requested later). */
export const erasuresOpenSince = (orgId: string, since: number) =>
  sql`org_id = ${orgId} AND (completed_at IS NULL OR completed_at >= ${since})`;

export function erasuresOpenSinceRows(db: Database, orgId: string, since: number) {
  return db.all<{ id: string; sha256: string; length: number }>(
    sql`SELECT id, subject_sha256 AS sha256, subject_length AS length FROM ${erasures}
        WHERE ${erasuresOpenSince(orgId, since)} ORDER BY id`,
  );
}

/** Condition for a job's write: no such erasure besides the ones (`applied`) its output was redacted for. */
export function noErasureBesides(orgId: string, since: number, applied: string[]): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ${erasures} WHERE ${erasuresOpenSince(orgId, since)}
    AND id NOT IN (SELECT value FROM json_each(${JSON.stringify(applied)})))`;
}
