import { and, desc, eq, gt, isNull, like, type SQL, sql } from "drizzle-orm";
import { type Cursor, olderThan } from "../../lib/pagination";
import type { Database } from "../client";
import { type MeetingRow, meetings } from "../schema";

/** A meeting neither deleted nor past its hour of grace. */
const live = (now: number) => and(isNull(meetings.deletedAt), gt(meetings.expiresAt, now));

/** The insert (not yet run) of a meeting, to batch with its event. */
export function insertMeeting(db: Database, row: MeetingRow) {
  return db.insert(meetings).values(row);
}

export async function findLiveMeeting(db: Database, orgId: string, meetingId: string, now: number) {
  return (
    await db
      .select()
      .from(meetings)
      .where(and(eq(meetings.id, meetingId), eq(meetings.orgId, orgId), live(now)))
      .limit(1)
  )[0];
}

/** Any meeting of this org, live, deleted or expired (tombstones are kept 30 days). */
export async function findMeeting(db: Database, orgId: string, meetingId: string): Promise<MeetingRow | undefined> {
  return (
    await db
      .select()
      .from(meetings)
      .where(and(eq(meetings.id, meetingId), eq(meetings.orgId, orgId)))
      .limit(1)
  )[0];
}

export function listLiveMeetings(
  db: Database,
  orgId: string,
  query: { now: number; roomNamePrefix?: string; after: Cursor | null; limit: number },
) {
  return db
    .select()
    .from(meetings)
    .where(
      and(
        eq(meetings.orgId, orgId),
        live(query.now),
        query.roomNamePrefix ? like(meetings.roomName, `/${query.roomNamePrefix}%`) : undefined,
        query.after ? olderThan(query.after, meetings.createdAt, meetings.id) : undefined,
      ),
    )
    .orderBy(desc(meetings.createdAt), desc(meetings.id))
    .limit(query.limit + 1);
}

/** Whether this org has a live meeting in the room (stored name, with its slash). */
export async function liveRoomExists(db: Database, orgId: string, roomName: string, now: number): Promise<boolean> {
  const row = (
    await db
      .select({ id: meetings.id })
      .from(meetings)
      .where(and(eq(meetings.orgId, orgId), eq(meetings.roomName, roomName), live(now)))
      .limit(1)
  )[0];
  return row !== undefined;
}

/** Condition for a batch: the meeting is not deleted (yet). */
export function meetingUndeleted(orgId: string, meetingId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${meetings} WHERE id = ${meetingId} AND org_id = ${orgId} AND deleted_at IS NULL)`;
}

/** The tombstoning update (not yet run), a no-op for a meeting already deleted. */
export function markMeetingDeleted(db: Database, orgId: string, meetingId: string, now: number) {
  return db
    .update(meetings)
    .set({ deletedAt: now })
    .where(and(eq(meetings.id, meetingId), eq(meetings.orgId, orgId), isNull(meetings.deletedAt)));
}

/** The room name of any meeting of this org (for recording metadata). */
export async function findMeetingRoomName(db: Database, orgId: string, meetingId: string) {
  return (
    await db
      .select({ roomName: meetings.roomName })
      .from(meetings)
      .where(and(eq(meetings.id, meetingId), eq(meetings.orgId, orgId)))
      .limit(1)
  )[0];
}
