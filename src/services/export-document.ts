import type { Database } from "../db/client";
import {
  type AiResultPosition,
  aiResultPage,
  createdPages,
  findOrganizationRow,
  keyedPages,
  roomSessionPage,
  type SessionPosition,
} from "../db/queries/export-pages";
import { findTranscriptionRow } from "../db/queries/transcriptions";
import type { MeetingRow, RoomEventRow, TranscriptionRow } from "../db/schema";
import type { Cursor } from "../lib/pagination";
import { iso, isoOrNull } from "../lib/time";
import { toApiKey } from "./api-keys";
import { toPublicEvent } from "./events";
import { toOrganization } from "./organizations";
import { toRecording } from "./recordings";
import { toParticipantInsights, toSessionInsights } from "./room-insights";
import { toRoomTheme } from "./room-themes";
import { toSummary } from "./summaries";
import { readSegmentPages } from "./transcript-pages";
import type { SpeakerNames } from "./transcript-segments";
import { toTranscription } from "./transcriptions";
import { toWebhook } from "./webhooks";

/** What the document is written from: one organization's data as of the export. */
export interface DocumentContext {
  db: Database;
  orgId: string;
  /** The export's creation time: `exportedAt`, and the "now" of derived figures (so every invocation agrees). */
  exportedAt: number;
  /** `ROOM_BASE_URL` (meetings' `roomUrl`) and Parley's own base URL (room logos' `logoUrl`). */
  roomBaseUrl: string;
  publicBaseUrl: string;
  /** Rows read from D1 per query. */
  pageRows: number;
}

/**
 * Where the writer is: `section` 0 is the head (`exportedAt`, `organization`), 1…n the list sections,
 * n+1 the closing brace, n+2 the end. `cursor` is the open section's position after its last row written
 * (null before its first); JSON, because it is saved between queue invocations.
 */
export interface DocumentPosition {
  section: number;
  opened: boolean;
  cursor: unknown;
}

/** A piece of the document's text and the position right after it. */
export interface DocumentChunk {
  text: string;
  position: DocumentPosition;
}

type Rows = AsyncGenerator<{ text: string; cursor: unknown }>;
interface Section {
  name: string;
  rows(ctx: DocumentContext, after: unknown): Rows;
}

/** One JSON array element per row, pages fetched only as the writer pulls. */
async function* paged<Row, P>(
  ctx: DocumentContext,
  after: P | null,
  fetch: (after: P | null) => Promise<Row[]>,
  positionOf: (row: Row) => P,
  map: (row: Row) => unknown,
): Rows {
  let position = after;
  for (;;) {
    const rows = await fetch(position);
    for (const row of rows) {
      const text = (position === null ? "" : ",") + JSON.stringify(map(row));
      position = positionOf(row);
      yield { text, cursor: position };
    }
    if (rows.length < ctx.pageRows) return;
  }
}

const created = (row: { createdAt: number; id: string }): Cursor => ({ v: row.createdAt, id: row.id });

/** A section of rows with an `(org_id, created_at, id)` index. */
function createdSection<Row extends { createdAt: number; id: string }>(
  name: string,
  page: (db: Database, orgId: string, after: Cursor | null, limit: number) => Promise<Row[]>,
  map: (row: Row, ctx: DocumentContext) => unknown,
): Section {
  return keyedSection(name, page, created, map);
}

/** A section paged by a key of its rows within the organization (a text column, or `created`'s cursor). */
function keyedSection<Row, Key>(
  name: string,
  page: (db: Database, orgId: string, after: Key | null, limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  map: (row: Row, ctx: DocumentContext) => unknown,
): Section {
  return {
    name,
    rows: (ctx, after) =>
      paged(
        ctx,
        after as Key | null,
        (position) => page(ctx.db, ctx.orgId, position, ctx.pageRows),
        keyOf,
        (row) => map(row, ctx),
      ),
  };
}

/** A meeting without its host and viewer keys (they are capabilities, derived from a server secret). */
function exportedMeeting(row: MeetingRow, ctx: DocumentContext) {
  return {
    meetingId: row.id,
    roomName: row.roomName,
    roomUrl: ctx.roomBaseUrl.replace(/\/+$/, "") + row.roomName,
    startDate: iso(row.startDate),
    endDate: iso(row.endDate),
    isLocked: row.isLocked,
    roomMode: row.roomMode,
    templateType: row.templateType,
    recording: row.recording,
    metadata: row.metadata,
    createdAt: iso(row.createdAt),
    deletedAt: isoOrNull(row.deletedAt),
  };
}

function exportedRoomEvent(row: RoomEventRow) {
  return {
    type: row.type,
    roomName: row.roomName,
    clientId: row.clientId,
    participantId: row.participantId,
    displayName: row.displayName,
    externalId: row.externalId,
    roleName: row.roleName,
    occurredAt: iso(row.occurredAt),
    receivedAt: iso(row.receivedAt),
  };
}

/** Inside a transcription: the next stored page, how many of its segments are written, and how many in all. */
interface SegmentPosition {
  page: number;
  seg: number;
  written: number;
}
interface TranscriptionPosition {
  at: Cursor;
  open?: SegmentPosition;
}

/** A transcription's segments from `from` on, one array element each (a segment is at most ~40 KB). */
async function* segmentsOf(ctx: DocumentContext, at: Cursor, names: SpeakerNames, from: SegmentPosition): Rows {
  let { page, seg: skip, written } = from;
  for await (const segments of readSegmentPages(ctx.db, ctx.orgId, at.id, names, from.page)) {
    for (let i = skip; i < segments.length; i++) {
      const text = (written === 0 ? "" : ",") + JSON.stringify(segments[i]);
      written += 1;
      yield { text, cursor: { at, open: { page, seg: i + 1, written } } satisfies TranscriptionPosition };
    }
    page += 1;
    skip = 0;
  }
}

/** Transcriptions, each as its public shape plus `segments`, written segment by segment. */
async function* transcriptionRows(ctx: DocumentContext, after: unknown): Rows {
  let position = after as TranscriptionPosition | null;
  const close = (at: Cursor) => {
    position = { at };
    return { text: "]}", cursor: position };
  };
  const open = (row: TranscriptionRow) => {
    const head = JSON.stringify(toTranscription(row));
    const text = `${position === null ? "" : ","}${head.slice(0, -1)},"segments":[`;
    position = { at: created(row), open: { page: 0, seg: 0, written: 0 } };
    return { text, cursor: position };
  };
  if (position?.open) {
    const row = await findTranscriptionRow(ctx.db, ctx.orgId, position.at.id);
    yield* segmentsOf(ctx, position.at, row?.speakerNames ?? {}, position.open);
    yield close(position.at);
  }
  for (;;) {
    const rows = await createdPages.transcriptions(ctx.db, ctx.orgId, position?.at ?? null, ctx.pageRows);
    for (const row of rows) {
      yield open(row);
      yield* segmentsOf(ctx, created(row), row.speakerNames, { page: 0, seg: 0, written: 0 });
      yield close(created(row));
    }
    if (rows.length < ctx.pageRows) return;
  }
}

/** The list sections, in document order (SPEC §9, plus `roomParticipants`, `members` and `invitations`). */
const SECTIONS: readonly Section[] = [
  createdSection("apiKeys", createdPages.apiKeys, (row) => toApiKey(row)),
  createdSection("meetings", createdPages.meetings, exportedMeeting),
  keyedSection(
    "roomThemes",
    keyedPages.roomThemes,
    (row) => row.roomName,
    (row, ctx) => ({ roomName: row.roomName, ...toRoomTheme(row, ctx.publicBaseUrl), updatedAt: iso(row.updatedAt) }),
  ),
  createdSection("recordings", createdPages.recordings, (row) => toRecording(row)),
  { name: "transcriptions", rows: transcriptionRows },
  createdSection("summaries", createdPages.summaries, (row) => toSummary(row)),
  {
    name: "aiResults",
    rows: (ctx, after) =>
      paged(
        ctx,
        after as AiResultPosition | null,
        (position) => aiResultPage(ctx.db, ctx.orgId, position, ctx.pageRows),
        (row): AiResultPosition => [row.transcriptionCreatedAt, row.transcriptionId, row.kind, row.paramsHash],
        (row) => ({
          transcriptionId: row.transcriptionId,
          kind: row.kind,
          result: row.result,
          model: row.model,
          generatedAt: iso(row.generatedAt),
        }),
      ),
  },
  keyedSection("roomEvents", keyedPages.roomEvents, (row) => row.dedupKey, exportedRoomEvent),
  {
    name: "roomSessions",
    rows: (ctx, after) =>
      paged(
        ctx,
        after as SessionPosition | null,
        (position) => roomSessionPage(ctx.db, ctx.orgId, position, ctx.pageRows),
        (row): SessionPosition => [row.roomName, row.startedAt, row.id],
        (row) => toSessionInsights(row, ctx.exportedAt),
      ),
  },
  keyedSection(
    "roomParticipants",
    keyedPages.roomParticipants,
    (row) => row.id,
    (row) => ({ id: row.id, roomName: row.roomName, ...toParticipantInsights(row) }),
  ),
  createdSection("webhooks", createdPages.webhooks, (row) => toWebhook(row)),
  createdSection("events", createdPages.events, (row) => toPublicEvent(row)),
  createdSection("auditLog", createdPages.auditLog, (row) => ({
    id: row.id,
    actorType: row.actorType,
    keyId: row.keyId,
    memberId: row.memberId,
    method: row.method,
    route: row.route,
    objectId: row.objectId,
    status: row.status,
    requestId: row.requestId,
    createdAt: iso(row.createdAt),
  })),
  // Dashboard people (SPEC §11), after the §9 sections so a saved position of an older export still points where
  // it did. Never a password hash or a session or invitation token hash.
  createdSection("members", createdPages.members, (row) => ({
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    createdAt: iso(row.createdAt),
  })),
  createdSection("invitations", createdPages.invitations, (row, ctx) => ({
    invitationId: row.id,
    email: row.email,
    role: row.role,
    status: row.acceptedAt !== null ? "accepted" : row.expiresAt <= ctx.exportedAt ? "expired" : "pending",
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    acceptedAt: isoOrNull(row.acceptedAt),
  })),
];

/** The top-level keys of a document, in order. */
export const DOCUMENT_KEYS = ["exportedAt", "organization", ...SECTIONS.map((s) => s.name)];
export const DOCUMENT_START: DocumentPosition = { section: 0, opened: false, cursor: null };
/** The position once the closing brace is written. */
export const DOCUMENT_END = SECTIONS.length + 2;

/**
 * The document's text from `from` on, chunk by chunk, read from D1 a page at a time as it is pulled: the
 * caller decides how much to take and can resume later from any chunk's position.
 */
export async function* documentChunks(ctx: DocumentContext, from: DocumentPosition): AsyncGenerator<DocumentChunk> {
  let { section, opened, cursor } = from;
  if (section === 0) {
    const organization = await findOrganizationRow(ctx.db, ctx.orgId);
    if (!organization) throw new Error("the organization no longer exists");
    section = 1;
    yield {
      text: `{"exportedAt":${JSON.stringify(iso(ctx.exportedAt))},"organization":${JSON.stringify(toOrganization(organization))}`,
      position: { section, opened: false, cursor: null },
    };
  }
  for (; section <= SECTIONS.length; section++, opened = false, cursor = null) {
    const current = SECTIONS[section - 1] as Section;
    if (!opened) {
      opened = true;
      cursor = null;
      yield { text: `,${JSON.stringify(current.name)}:[`, position: { section, opened, cursor } };
    }
    for await (const row of current.rows(ctx, cursor)) {
      cursor = row.cursor;
      yield { text: row.text, position: { section, opened, cursor } };
    }
    yield { text: "]", position: { section: section + 1, opened: false, cursor: null } };
  }
  if (section === SECTIONS.length + 1)
    yield { text: "}", position: { section: DOCUMENT_END, opened: false, cursor: null } };
}
