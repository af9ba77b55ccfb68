import { and, asc, eq, gte, isNull, type SQL, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Database } from "../client";
import {
  transcriptSegmentPages as pages,
  type TranscriptionRow,
  type TranscriptionState,
  transcriptions,
} from "../schema";
import { keyset } from "./keyset";
import { deleteAiOutputsStatements } from "./summaries";

/** Sort keys of the list; each is an integer expression, as the keyset cursor needs (duration in ms). */
const TRANSCRIPTION_SORT_COLUMNS = {
  createdAt: sql`${transcriptions.createdAt}`,
  startDate: sql`coalesce(${transcriptions.startDate}, 0)`,
  durationInSeconds: sql`cast(round(coalesce(${transcriptions.durationSeconds}, 0) * 1000) as integer)`,
} as const;
export type TranscriptionSortField = keyof typeof TRANSCRIPTION_SORT_COLUMNS;

/** One stored page of segments, ready to insert. */
export interface SegmentPage {
  page: number;
  firstIndex: number;
  /** JSON array of `[label, start, end, text]`. */
  segments: string;
}

const sameTranscription = (orgId: string, transcriptionId: string) =>
  and(eq(transcriptions.id, transcriptionId), eq(transcriptions.orgId, orgId));

export function insertTranscription(db: Database, row: TranscriptionRow) {
  return db.insert(transcriptions).values(row);
}

export async function findTranscriptionRow(
  db: Database,
  orgId: string,
  transcriptionId: string,
): Promise<TranscriptionRow | undefined> {
  return (await db.select().from(transcriptions).where(sameTranscription(orgId, transcriptionId)).limit(1))[0];
}

/** Transcriptions in keyset order by `field` (null start dates and durations sort as 0, so the keyset stays total). */
export function listTranscriptionRows(
  db: Database,
  orgId: string,
  query: {
    field: TranscriptionSortField;
    direction: "asc" | "desc";
    meetingId?: string;
    roomName?: string;
    state?: TranscriptionState;
    after: Cursor | null;
    limit: number;
  },
) {
  const column = TRANSCRIPTION_SORT_COLUMNS[query.field];
  const page = keyset(column, transcriptions.id, query.direction, query.after);
  return db
    .select()
    .from(transcriptions)
    .where(
      and(
        eq(transcriptions.orgId, orgId),
        query.meetingId ? eq(transcriptions.meetingId, query.meetingId) : undefined,
        query.roomName ? eq(transcriptions.roomName, query.roomName) : undefined,
        query.state ? eq(transcriptions.state, query.state) : undefined,
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
}

/** Condition for a batch: the transcription exists and is in `state`. */
export function transcriptionIn(orgId: string, transcriptionId: string, state: TranscriptionState): SQL {
  return sql`EXISTS (SELECT 1 FROM ${transcriptions} WHERE id = ${transcriptionId} AND org_id = ${orgId} AND state = ${state})`;
}

/** Condition for a batch: the job has not been marked started yet. */
export function transcriptionNotStarted(orgId: string, transcriptionId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${transcriptions} WHERE id = ${transcriptionId} AND org_id = ${orgId} AND state = 'in_progress' AND started_at IS NULL)`;
}

/** Marks the job started (not yet run), once. */
export function markStarted(db: Database, orgId: string, transcriptionId: string, now: number) {
  return db
    .update(transcriptions)
    .set({ startedAt: now })
    .where(
      and(
        sameTranscription(orgId, transcriptionId),
        eq(transcriptions.state, "in_progress"),
        isNull(transcriptions.startedAt),
      ),
    );
}

/**
 * Replaces the transcription's pages (not yet run), only while `condition` holds: pages never outlive a
 * transcription deleted meanwhile, and a job that lost a race to another run of itself leaves the winner's pages.
 */
export function replacePagesStatements(
  orgId: string,
  transcriptionId: string,
  segmentPages: SegmentPage[],
  condition: SQL,
): SQL[] {
  return [
    sql`DELETE FROM ${pages} WHERE transcription_id = ${transcriptionId} AND org_id = ${orgId} AND ${condition}`,
    ...segmentPages.map(
      (p) => sql`
        INSERT INTO ${pages} (transcription_id, org_id, page, first_index, segments)
        SELECT ${transcriptionId}, ${orgId}, ${p.page}, ${p.firstIndex}, ${p.segments} WHERE ${condition}`,
    ),
  ];
}

/** The insert (not yet run) of pages of a transcription written in the same batch. */
export function insertPages(db: Database, orgId: string, transcriptionId: string, segmentPages: SegmentPage[]) {
  return segmentPages.map((p) => db.insert(pages).values({ transcriptionId, orgId, ...p }));
}

function deletePages(db: Database, orgId: string, transcriptionId: string) {
  return db.delete(pages).where(and(eq(pages.transcriptionId, transcriptionId), eq(pages.orgId, orgId)));
}

/** The flip of an in-progress transcription (not yet run) to ready with its results, or to failed. */
export function finishTranscription(
  db: Database,
  orgId: string,
  transcriptionId: string,
  result: Pick<TranscriptionRow, "state" | "language" | "durationSeconds" | "segmentCount" | "speakerLabels" | "error">,
  condition?: SQL,
) {
  return db
    .update(transcriptions)
    .set(result)
    .where(and(sameTranscription(orgId, transcriptionId), eq(transcriptions.state, "in_progress"), condition));
}

/** Up to `count` pages from `fromPage` on, in order. */
export function readPages(db: Database, orgId: string, transcriptionId: string, fromPage: number, count: number) {
  return db
    .select({ page: pages.page, firstIndex: pages.firstIndex, segments: pages.segments })
    .from(pages)
    .where(and(eq(pages.transcriptionId, transcriptionId), eq(pages.orgId, orgId), gte(pages.page, fromPage)))
    .orderBy(asc(pages.page))
    .limit(count);
}

/** Merges renames into the stored ones (JSON merge patch: `null` removes); the updated row, or undefined when gone. */
export async function setSpeakerNames(
  db: Database,
  orgId: string,
  transcriptionId: string,
  renames: Record<string, string | null>,
): Promise<TranscriptionRow | undefined> {
  const [row] = await db
    .update(transcriptions)
    .set({ speakerNames: sql`json_patch(${transcriptions.speakerNames}, ${JSON.stringify(renames)})` })
    .where(sameTranscription(orgId, transcriptionId))
    .returning();
  return row;
}

/** The delete (not yet run) of a transcription, returning its id, and of its pages, summary and AI results. */
export function deleteTranscriptionStatements(db: Database, orgId: string, transcriptionId: string) {
  return [
    sql`DELETE FROM ${transcriptions} WHERE id = ${transcriptionId} AND org_id = ${orgId} RETURNING id`,
    deletePages(db, orgId, transcriptionId),
    ...deleteAiOutputsStatements(db, orgId, transcriptionId),
  ];
}
