/**
 * Keyset pages of every table an export writes, each in an order one of the table's indexes serves, so
 * a page costs the same at the 100,000th row as at the first. Positions are plain JSON (they are saved
 * in `data_exports.progress` between queue invocations).
 */
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import {
  type AiResultRow,
  aiResults,
  apiKeys,
  auditLog,
  events,
  invitations,
  meetings,
  members,
  organizations,
  recordings,
  roomEvents,
  roomParticipants,
  roomSessions,
  roomThemes,
  summaries,
  transcriptions,
  webhookEndpoints,
} from "../schema";
import { keyset } from "./keyset";

export async function findOrganizationRow(db: Database, orgId: string) {
  return (await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1))[0];
}

/** The condition and order of a keyset page by `(created_at, id)` within the organization, oldest first. */
function byCreation(
  columns: { orgId: SQLiteColumn; createdAt: SQLiteColumn; id: SQLiteColumn },
  orgId: string,
  after: Cursor | null,
) {
  const page = keyset(columns.createdAt, columns.id, "asc", after);
  return { where: and(eq(columns.orgId, orgId), page.where), orderBy: page.orderBy };
}

/** Pages of tables with an `(org_id, created_at, id)` index: `(createdAt, id)` positions. */
export const createdPages = {
  apiKeys(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(apiKeys, orgId, after);
    return db
      .select()
      .from(apiKeys)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  meetings(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(meetings, orgId, after);
    return db
      .select()
      .from(meetings)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  recordings(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(recordings, orgId, after);
    return db
      .select()
      .from(recordings)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  transcriptions(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(transcriptions, orgId, after);
    return db
      .select()
      .from(transcriptions)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  summaries(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(summaries, orgId, after);
    return db
      .select()
      .from(summaries)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  webhooks(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(webhookEndpoints, orgId, after);
    return db
      .select()
      .from(webhookEndpoints)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  events(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(events, orgId, after);
    return db
      .select()
      .from(events)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  auditLog(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(auditLog, orgId, after);
    return db
      .select()
      .from(auditLog)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  /** Dashboard members, without their password hashes. */
  members(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(members, orgId, after);
    return db
      .select({
        id: members.id,
        name: members.name,
        email: members.email,
        role: members.role,
        createdAt: members.createdAt,
      })
      .from(members)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
  /** Dashboard invitations, without their token hashes. */
  invitations(db: Database, orgId: string, after: Cursor | null, limit: number) {
    const page = byCreation(invitations, orgId, after);
    return db
      .select({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        createdAt: invitations.createdAt,
        expiresAt: invitations.expiresAt,
        acceptedAt: invitations.acceptedAt,
      })
      .from(invitations)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(limit);
  },
};

/** Rows after `after` by a text key unique within the organization (the primary key's second half). */
const pastKey = (orgColumn: SQLiteColumn, orgId: string, key: SQLiteColumn, after: string | null) =>
  and(eq(orgColumn, orgId), after === null ? undefined : sql`${key} > ${after}`);

export const keyedPages = {
  roomThemes(db: Database, orgId: string, after: string | null, limit: number) {
    const where = pastKey(roomThemes.orgId, orgId, roomThemes.roomName, after);
    return db.select().from(roomThemes).where(where).orderBy(asc(roomThemes.roomName)).limit(limit);
  },
  roomEvents(db: Database, orgId: string, after: string | null, limit: number) {
    const where = pastKey(roomEvents.orgId, orgId, roomEvents.dedupKey, after);
    return db.select().from(roomEvents).where(where).orderBy(asc(roomEvents.dedupKey)).limit(limit);
  },
  roomParticipants(db: Database, orgId: string, after: string | null, limit: number) {
    const where = pastKey(roomParticipants.orgId, orgId, roomParticipants.id, after);
    return db.select().from(roomParticipants).where(where).orderBy(asc(roomParticipants.id)).limit(limit);
  },
};

/** A room session position: the `(org_id, room_name, started_at)` index, then the id. */
export type SessionPosition = [roomName: string, startedAt: number, id: string];

export function roomSessionPage(db: Database, orgId: string, after: SessionPosition | null, limit: number) {
  const past: SQL | undefined =
    after === null
      ? undefined
      : sql`(${roomSessions.roomName}, ${roomSessions.startedAt}, ${roomSessions.id}) > (${after[0]}, ${after[1]}, ${after[2]})`;
  return db
    .select()
    .from(roomSessions)
    .where(and(eq(roomSessions.orgId, orgId), past))
    .orderBy(asc(roomSessions.roomName), asc(roomSessions.startedAt), asc(roomSessions.id))
    .limit(limit);
}

/**
 * An AI result position: its transcription's `(createdAt, id)`, then kind and parameters hash. AI results
 * have no organization index of their own; they are reached through the organization's transcriptions.
 */
export type AiResultPosition = [createdAt: number, transcriptionId: string, kind: string, paramsHash: string];

export async function aiResultPage(
  db: Database,
  orgId: string,
  after: AiResultPosition | null,
  limit: number,
): Promise<(AiResultRow & { transcriptionCreatedAt: number })[]> {
  const past: SQL | undefined =
    after === null
      ? undefined
      : sql`(${transcriptions.createdAt}, ${transcriptions.id}, ${aiResults.kind}, ${aiResults.paramsHash}) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]})`;
  const rows = await db
    .select({ result: aiResults, transcriptionCreatedAt: transcriptions.createdAt })
    .from(transcriptions)
    .innerJoin(
      aiResults,
      and(eq(aiResults.transcriptionId, transcriptions.id), eq(aiResults.orgId, transcriptions.orgId)),
    )
    .where(and(eq(transcriptions.orgId, orgId), past))
    .orderBy(asc(transcriptions.createdAt), asc(transcriptions.id), asc(aiResults.kind), asc(aiResults.paramsHash))
    .limit(limit);
  return rows.map((row) => ({ ...row.result, transcriptionCreatedAt: row.transcriptionCreatedAt }));
}
