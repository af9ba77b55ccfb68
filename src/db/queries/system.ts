/**
 * The explicitly cross-tenant queries: sweeps over every organization, lookups by a global key (an API
 * key's hash, a signed download token's recording, a queue message's delivery or event ids). Everything
 * else goes through the per-aggregate modules, whose functions take the organization.
 */
import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  type ApiKeyScope,
  apiKeys,
  auditLog,
  dataExports,
  type EventRow,
  events,
  meetings,
  type RecordingRow,
  recordings,
  roomSessions,
  roomStates,
  roomThemes,
  type TranscriptionRow,
  tombstones,
  transcriptions,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookDeliveries,
  webhookEndpoints,
} from "../schema";

/** The key with this hash, whichever organization holds it: a key hash is global by nature. */
export async function findApiKeyByHash(
  db: Database,
  keyHash: string,
): Promise<{ id: string; orgId: string; scopes: ApiKeyScope[]; revokedAt: number | null } | undefined> {
  return (
    await db
      .select({ id: apiKeys.id, orgId: apiKeys.orgId, scopes: apiKeys.scopes, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.keyHash, keyHash))
      .limit(1)
  )[0];
}

/** A ready recording by id alone: the caller holds a token signed for exactly this recording. */
export async function findReadyRecordingForDownload(
  db: Database,
  recordingId: string,
): Promise<Pick<RecordingRow, "orgId" | "r2Key" | "filename" | "contentType"> | undefined> {
  return (
    await db
      .select({
        orgId: recordings.orgId,
        r2Key: recordings.r2Key,
        filename: recordings.filename,
        contentType: recordings.contentType,
      })
      .from(recordings)
      .where(and(eq(recordings.id, recordingId), eq(recordings.status, "ready")))
      .limit(1)
  )[0];
}

/** Outbox sweep: events never fanned out, created before `createdBefore`, never enqueued or enqueued before `enqueuedBefore`. */
export async function findStrandedEventIds(
  db: Database,
  bounds: { createdBefore: number; enqueuedBefore: number; limit: number },
): Promise<string[]> {
  const rows = await db
    .select({ id: events.id })
    .from(events)
    .where(
      and(
        isNull(events.fannedOutAt),
        lt(events.createdAt, bounds.createdBefore),
        or(isNull(events.enqueuedAt), lt(events.enqueuedAt, bounds.enqueuedBefore)),
      ),
    )
    .limit(bounds.limit);
  return rows.map((r) => r.id);
}

/** Retention: one bounded page each of old events, meeting and deletion tombstones and webhook deliveries, as one batch. */
export function purgeExpiredRecordsStatements(limits: {
  eventsBefore: number;
  tombstonesBefore: number;
  deliveriesBefore: number;
  page: number;
}) {
  return [
    sql`DELETE FROM ${events} WHERE id IN
      (SELECT id FROM ${events} WHERE created_at < ${limits.eventsBefore} LIMIT ${limits.page})`,
    sql`DELETE FROM ${meetings} WHERE id IN
      (SELECT id FROM ${meetings} WHERE deleted_at IS NOT NULL AND deleted_at < ${limits.tombstonesBefore}
       LIMIT ${limits.page})`,
    sql`DELETE FROM ${tombstones} WHERE id IN
      (SELECT id FROM ${tombstones} WHERE deleted_at < ${limits.tombstonesBefore} LIMIT ${limits.page})`,
    sql`DELETE FROM ${webhookDeliveries} WHERE id IN
      (SELECT id FROM ${webhookDeliveries} WHERE created_at < ${limits.deliveriesBefore} LIMIT ${limits.page})`,
  ];
}

/** Retention: one bounded page of audit rows older than `before`, across organizations. */
export function purgeAuditLogStatement(before: number, page: number) {
  return sql`DELETE FROM ${auditLog} WHERE id IN
    (SELECT id FROM ${auditLog} WHERE created_at < ${before} LIMIT ${page})`;
}

const isoSql = (column: string) =>
  sql.raw(
    `strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || '.' || printf('%03d', ${column} % 1000) || 'Z'`,
  );

/**
 * Expiry: one page of meetings past `expires_at`, as one batch: mark them deleted under `run`, record
 * their `meeting.expired` events (ids minted by SQLite: D1 binds at most 100 parameters) returning the
 * ids, and drop their room themes returning the logos.
 */
export function expireMeetingsPageStatements(run: string, now: number, pageSize: number) {
  return [
    sql`
      UPDATE ${meetings} SET deleted_at = ${now}, expiry_run = ${run}
      WHERE id IN (SELECT id FROM ${meetings} WHERE deleted_at IS NULL AND expires_at <= ${now}
                   ORDER BY expires_at LIMIT ${pageSize})`,
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
  ];
}

/** Upload sweep: claims (complete or abort under way) taken before `claimedBefore`. */
export function findStalledUploadClaims(db: Database, claimedBefore: number, limit: number) {
  return db
    .select()
    .from(recordings)
    .where(and(eq(recordings.status, "uploading"), lt(recordings.completingAt, claimedBefore)))
    .limit(limit);
}

/** Upload sweep: unclaimed uploads created before `createdBefore`. */
export function findStaleUploads(db: Database, createdBefore: number, limit: number) {
  return db
    .select()
    .from(recordings)
    .where(
      and(eq(recordings.status, "uploading"), isNull(recordings.completingAt), lt(recordings.createdAt, createdBefore)),
    )
    .limit(limit);
}

/** Overdue sweep: pending deliveries whose next attempt was due before `dueBefore`. */
export function findOverdueDeliveries(db: Database, dueBefore: number, limit: number) {
  return db
    .select({ id: webhookDeliveries.id, attempt: webhookDeliveries.attempt })
    .from(webhookDeliveries)
    .where(sql`status = 'pending' AND next_attempt_at < ${dueBefore}`)
    .limit(limit);
}

/** Sets the next attempt of re-queued overdue deliveries to `now`; rows recorded meanwhile are left alone. */
export async function markOverdueDeliveriesRequeued(
  db: Database,
  deliveryIds: string[],
  dueBefore: number,
  now: number,
): Promise<void> {
  await db.run(
    sql`UPDATE ${webhookDeliveries} SET next_attempt_at = ${now}
        WHERE id IN (SELECT value FROM json_each(${JSON.stringify(deliveryIds)}))
          AND status = 'pending' AND next_attempt_at < ${dueBefore}`,
  );
}

/** Fan-out: the events named by a queue message, and the enabled endpoints of their organizations. */
export async function loadFanOut(db: Database, eventIds: string[]) {
  const ids = JSON.stringify(eventIds);
  const [eventRows, endpointRows] = await db.batch([
    db
      .select({ id: events.id, orgId: events.orgId, type: events.type })
      .from(events)
      .where(sql`${events.id} IN (SELECT value FROM json_each(${ids}))`),
    db
      .select()
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.status, "enabled"),
          sql`${webhookEndpoints.orgId} IN (SELECT org_id FROM ${events} WHERE id IN (SELECT value FROM json_each(${ids})))`,
        ),
      ),
  ]);
  return { eventRows, endpointRows };
}

/**
 * Fan-out, after the delivery inserts: marks the events fanned out and selects every delivery of them
 * still waiting for its first attempt (the last statement's rows).
 */
export function fanOutCompletionStatements(eventIds: string[], now: number) {
  const ids = JSON.stringify(eventIds);
  return [
    sql`UPDATE ${events} SET fanned_out_at = ${now}
        WHERE id IN (SELECT value FROM json_each(${ids})) AND fanned_out_at IS NULL`,
    sql`SELECT id FROM ${webhookDeliveries}
        WHERE event_id IN (SELECT value FROM json_each(${ids})) AND round = 0 AND attempt = 0 AND status = 'pending'`,
  ];
}

/** A delivery named by a queue message, with its event and endpoint (null once gone). */
export async function loadDeliveryForAttempt(
  db: Database,
  deliveryId: string,
): Promise<{ delivery: WebhookDeliveryRow; event: EventRow | null; endpoint: WebhookEndpointRow | null } | undefined> {
  return (
    await db
      .select({ delivery: webhookDeliveries, event: events, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .leftJoin(events, and(eq(events.id, webhookDeliveries.eventId), eq(events.orgId, webhookDeliveries.orgId)))
      .leftJoin(
        webhookEndpoints,
        and(eq(webhookEndpoints.id, webhookDeliveries.endpointId), eq(webhookEndpoints.orgId, webhookDeliveries.orgId)),
      )
      .where(eq(webhookDeliveries.id, deliveryId))
      .limit(1)
  )[0];
}

/** A ready transcription by id alone: the caller holds a token signed for exactly this transcription. */
export async function findReadyTranscriptionForDownload(
  db: Database,
  transcriptionId: string,
): Promise<TranscriptionRow | undefined> {
  return (
    await db
      .select()
      .from(transcriptions)
      .where(and(eq(transcriptions.id, transcriptionId), eq(transcriptions.state, "ready")))
      .limit(1)
  )[0];
}

/** Sessions, of any organization, whose participants have been fewer than two since before `cutoff`. */
export function findSessionsDueToEnd(db: Database, cutoff: number, limit: number) {
  return db
    .select({
      id: roomSessions.id,
      orgId: roomSessions.orgId,
      roomName: roomSessions.roomName,
      startedAt: roomSessions.startedAt,
      belowSince: roomSessions.belowSince,
    })
    .from(roomSessions)
    .where(and(isNull(roomSessions.endedAt), lte(roomSessions.belowSince, cutoff)))
    .orderBy(roomSessions.belowSince)
    .limit(limit);
}

/** Bumps the rooms' versions, so an ingestion that read one of them before is retried on top of this change. */
const bumpRooms = (list: string, writer: string) =>
  sql`UPDATE ${roomStates} SET version = version + 1, writer = ${writer}
      WHERE (org_id, room_name) IN (SELECT json_extract(value, '$.orgId'), json_extract(value, '$.roomName') FROM json_each(${list}))`;

/** Ends sessions found due (one transaction): `ended_at` becomes the moment fewer than two remained. */
export function endSessionsStatements(
  due: { id: string; orgId: string; roomName: string }[],
  writer: string,
  cutoff: number,
) {
  const list = JSON.stringify(due);
  return [
    bumpRooms(list, writer),
    sql`UPDATE ${roomSessions} SET ended_at = below_since
        WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(${list}))
          AND ended_at IS NULL AND below_since <= ${cutoff}`,
  ];
}

/** Sessions, of any organization, with a start or an end not yet announced, in rooms with no event received since `quietSince`. */
export function findSessionsToAnnounce(db: Database, quietSince: number, limit: number) {
  return db
    .select({
      id: roomSessions.id,
      orgId: roomSessions.orgId,
      roomName: roomSessions.roomName,
      startedAt: roomSessions.startedAt,
      endedAt: roomSessions.endedAt,
      startNotified: roomSessions.startNotified,
      endNotified: roomSessions.endNotified,
    })
    .from(roomSessions)
    .innerJoin(
      roomStates,
      and(eq(roomStates.orgId, roomSessions.orgId), eq(roomStates.roomName, roomSessions.roomName)),
    )
    .where(
      and(
        sql`(${roomSessions.startNotified} = 0 OR (${roomSessions.endedAt} IS NOT NULL AND ${roomSessions.endNotified} = 0))`,
        lte(roomStates.lastReceivedAt, quietSince),
      ),
    )
    .limit(limit);
}

/**
 * Records `room.session.started` / `ended` for sessions still unannounced as read (one transaction, returning
 * the event ids recorded) and marks them announced; the rooms' versions are bumped like any derivation.
 */
export function announceSessionsStatements(
  announcements: {
    sessionId: string;
    orgId: string;
    roomName: string;
    eventId: string;
    type: string;
    data: unknown;
    endedAt: number | null;
  }[],
  writer: string,
  now: number,
) {
  const list = JSON.stringify(announcements);
  const pending = sql`s.id = json_extract(value, '$.sessionId') AND CASE json_extract(value, '$.type')
      WHEN 'room.session.started' THEN s.start_notified = 0
      ELSE s.end_notified = 0 AND s.ended_at = json_extract(value, '$.endedAt') END`;
  return [
    bumpRooms(list, writer),
    sql`INSERT INTO ${events} (id, org_id, type, data, created_at)
        SELECT json_extract(value, '$.eventId'), json_extract(value, '$.orgId'), json_extract(value, '$.type'),
          json_extract(value, '$.data'), ${now}
        FROM json_each(${list}) WHERE EXISTS (SELECT 1 FROM ${roomSessions} s WHERE ${pending})
        RETURNING id`,
    sql`UPDATE ${roomSessions} SET
          start_notified = start_notified OR id IN (SELECT json_extract(value, '$.sessionId') FROM json_each(${list})
            WHERE json_extract(value, '$.type') = 'room.session.started'),
          end_notified = end_notified OR id IN (SELECT json_extract(value, '$.sessionId') FROM json_each(${list})
            WHERE json_extract(value, '$.type') = 'room.session.ended' AND json_extract(value, '$.endedAt') = ended_at)
        WHERE id IN (SELECT json_extract(value, '$.sessionId') FROM json_each(${list}))`,
  ];
}

/**
 * Re-encryption sweep: endpoints with a secret (or a previous secret) not stored under `prefix`, the current
 * key's. Four index ranges (below the prefix and past it, per column; SQLite does not split an OR over
 * them by itself), so a sweep with nothing to do reads no rows.
 */
export function findSecretsNotUnder(db: Database, prefix: string, limit: number) {
  const past = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return db.all<{
    id: string;
    secret: string;
    previousSecret: string | null;
    previousSecretExpiresAt: number | null;
  }>(sql`
    SELECT id, secret, previous_secret AS previousSecret, previous_secret_expires_at AS previousSecretExpiresAt
    FROM ${webhookEndpoints}
    WHERE id IN (SELECT id FROM ${webhookEndpoints} WHERE secret < ${prefix}
                 UNION SELECT id FROM ${webhookEndpoints} WHERE secret >= ${past}
                 UNION SELECT id FROM ${webhookEndpoints} WHERE previous_secret < ${prefix}
                 UNION SELECT id FROM ${webhookEndpoints} WHERE previous_secret >= ${past}
                 LIMIT ${limit})`);
}

/** Replaces an endpoint's stored secrets, only if they are still what the sweep read (a rotation meanwhile wins). */
export function replaceSecretsStatement(
  read: { id: string; secret: string; previousSecret: string | null },
  next: { secret: string; previousSecret: string | null },
) {
  return sql`UPDATE ${webhookEndpoints} SET secret = ${next.secret}, previous_secret = ${next.previousSecret}
             WHERE id = ${read.id} AND secret = ${read.secret} AND previous_secret IS ${read.previousSecret}`;
}

/** A ready export by id alone: the caller holds a token signed for exactly this export. */
export async function findReadyExportForDownload(db: Database, exportId: string) {
  return (
    await db
      .select({ orgId: dataExports.orgId, id: dataExports.id })
      .from(dataExports)
      .where(and(eq(dataExports.id, exportId), eq(dataExports.state, "ready")))
      .limit(1)
  )[0];
}

/** Exports past their expiry, across organizations, oldest first (retention sweep). */
export function findExpiredExports(db: Database, now: number, limit: number) {
  return db
    .select({ id: dataExports.id, orgId: dataExports.orgId, state: dataExports.state, progress: dataExports.progress })
    .from(dataExports)
    .where(lte(dataExports.expiresAt, now))
    .orderBy(dataExports.expiresAt)
    .limit(limit);
}

/** Deletes export rows by id (their objects are deleted first by the caller). */
export async function deleteExportRows(db: Database, exportIds: string[]): Promise<void> {
  await db.run(sql`DELETE FROM ${dataExports} WHERE id IN (SELECT value FROM json_each(${JSON.stringify(exportIds)}))`);
}

/** Exports in progress whose writer last saved before `savedBefore`, with the step they are at. */
export async function findStalledExports(db: Database, savedBefore: number, limit: number) {
  return db
    .select({
      id: dataExports.id,
      orgId: dataExports.orgId,
      step: sql<number>`json_extract(${dataExports.progress}, '$.step')`,
    })
    .from(dataExports)
    .where(
      and(
        eq(dataExports.state, "in_progress"),
        sql`json_extract(${dataExports.progress}, '$.savedAt') < ${savedBefore}`,
      ),
    )
    .limit(limit);
}
