import type { SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  aiOutputsOf,
  bumpRoomVersion,
  deleteAiResultStatement,
  deleteExportStatement,
  deleteInvitationStatement,
  deleteSummaryStatements,
  eraseMemberStatements,
  eraseParticipantStatements,
  eraseRoomEventStatement,
  eventPage,
  finishedExportsBefore,
  invitationPage,
  memberPage,
  nextTranscription,
  ownerCount,
  participantPage,
  roomEventPage,
  SCAN_PAGE,
  SEGMENT_PAGES_PER_STEP,
  segmentPagesFrom,
  setEventData,
  setSegmentPage,
  setTextColumn,
  setTranscriptionPeople,
  type TextColumn,
  textColumnPage,
} from "../../db/queries/erasures";
import type { TranscriptionRow } from "../../db/schema";
import { exportKey } from "../../storage/keys";
import { ERASED, type Subject } from "./subject";

export const COUNT_NAMES = [
  "participants",
  "transcriptSegments",
  "speakerNames",
  "aiResults",
  "summaries",
  "recordings",
  "members",
  "ownersKept",
  "invitations",
] as const;
export type ErasureCounts = Record<(typeof COUNT_NAMES)[number], number>;

/** Where the job is: the phase, the key of the last row done, and inside a transcription the next segment page. */
export interface ErasureProgress {
  /** Steps committed so far (each step is one D1 batch); guards against two runs counting the same step. */
  step: number;
  phase: number;
  cursor: string;
  /** Transcriptions: the next segment page of the transcription `cursor` names (absent: start the next one). */
  page?: number;
  /** Transcriptions: something of the transcription at `cursor` was redacted in an earlier step. */
  touched?: boolean;
}

export interface PhaseContext {
  db: Database;
  bucket: R2Bucket;
  orgId: string;
  subject: Subject;
  /** When the erasure was requested. */
  requestedAt: number;
  now: number;
  eraseFromReplays(): Promise<void>;
}

/** One step's work: the writes to commit with the progress, what they count, and where the phase stands after. */
export interface StepResult {
  writes: SQL[];
  counts: Partial<ErasureCounts>;
  /** Null: the phase is finished. */
  next: Omit<ErasureProgress, "step" | "phase"> | null;
}

type Phase = (ctx: PhaseContext, at: ErasureProgress) => Promise<StepResult>;

const lastKey = <T>(rows: T[], key: (row: T) => string) =>
  rows.length < SCAN_PAGE ? null : { cursor: key(rows[rows.length - 1] as T) };

/** Participants (one row per join) who are the subject, with every stored event of theirs in that room. */
const participants: Phase = async ({ db, orgId, subject }, at) => {
  const rows = await participantPage(db, orgId, at.cursor);
  const matched = rows.filter((r) => subject.identifies(r.display_name, r.external_id));
  const rooms = new Set(matched.map((r) => r.room_name));
  return {
    writes: [
      ...matched.flatMap((r) => eraseParticipantStatements(orgId, r.id, r.room_name, r.participant_id)),
      ...[...rooms].map((room) => bumpRoomVersion(orgId, room)),
    ],
    counts: { participants: matched.length },
    next: lastKey(rows, (r) => r.id),
  };
};

/** Stored room events that name the subject and belong to no participant (knocks) or were missed above. */
const roomEvents: Phase = async ({ db, orgId, subject }, at) => {
  const rows = await roomEventPage(db, orgId, at.cursor);
  const matched = rows.filter((r) => subject.identifies(r.display_name, r.external_id));
  const rooms = new Set(matched.map((r) => r.room_name));
  return {
    writes: [
      ...matched.map((r) => eraseRoomEventStatement(orgId, r.dedup_key)),
      ...[...rooms].map((room) => bumpRoomVersion(orgId, room)),
    ],
    counts: {},
    next: lastKey(rows, (r) => r.dedup_key),
  };
};

/** The event log's payloads (what `GET /events` and webhook redeliveries show). */
const eventLog: Phase = async ({ db, orgId, subject }, at) => {
  const rows = await eventPage(db, orgId, at.cursor);
  const writes: SQL[] = [];
  for (const row of rows) {
    const redacted = JSON.stringify(subject.redactJson(JSON.parse(row.data)));
    if (redacted !== row.data) writes.push(setEventData(orgId, row.id, JSON.parse(redacted)));
  }
  return { writes, counts: {}, next: lastKey(rows, (r) => r.id) };
};

/** Free text on a table keyed by `id`: each occurrence replaced; `count` names the counter of rows changed. */
function textColumn(which: TextColumn, count?: keyof ErasureCounts): Phase {
  return async ({ db, orgId, subject }, at) => {
    const rows = await textColumnPage(db, which, orgId, at.cursor);
    const writes: SQL[] = [];
    for (const row of rows) {
      if (row.value === null || !subject.occursIn(row.value)) continue;
      writes.push(setTextColumn(which, orgId, row.id, subject.redact(row.value)));
    }
    return { writes, counts: count ? { [count]: writes.length } : {}, next: lastKey(rows, (r) => r.id) };
  };
}

type StoredSegment = [label: string, start: number, end: number, text: string];

/**
 * How a transcription's speakers change: a speaker whose shown name (rename applied) names the subject
 * spoke as the subject, so its label becomes `[erased]` and its segments' text too; other labels and
 * renames lose their occurrences only.
 */
function speakerPlan(row: TranscriptionRow, subject: Subject) {
  const names = row.speakerNames;
  const spoken = new Set(
    row.speakerLabels.filter((label) => subject.identifies(Object.hasOwn(names, label) ? names[label] : label)),
  );
  const labelFor = (label: string) => (spoken.has(label) ? ERASED : subject.redact(label));
  const newNames: Record<string, string> = {};
  let renamesChanged = 0;
  for (const [label, name] of Object.entries(names)) {
    if (spoken.has(label)) {
      renamesChanged++; // the rename to the subject goes: the label itself now reads `[erased]`
      continue;
    }
    const redacted = subject.redact(name);
    if (redacted !== name) renamesChanged++;
    newNames[labelFor(label)] = redacted;
  }
  const labels = [...new Set(row.speakerLabels.map(labelFor))];
  return { spoken, labelFor, newNames, labels, renamesChanged };
}

/**
 * Transcriptions, one at a time and a few segment pages a step: segments the subject spoke become
 * `[erased]` (speaker and text), other segments lose their occurrences; at the transcription's end its
 * speakers and renames follow, and its summary and cached generations go when the transcript changed
 * (they were made from the old text) or when they mention the subject.
 */
const transcriptionsPhase: Phase = async (ctx, at) => {
  const { db, orgId, subject } = ctx;
  const row = await nextTranscription(db, orgId, at.cursor, at.page !== undefined);
  if (!row) return { writes: [], counts: {}, next: null };
  const plan = speakerPlan(row, subject);
  const fromPage = at.page ?? 0;
  const pages = await segmentPagesFrom(db, orgId, row.id, fromPage);
  const writes: SQL[] = [];
  let segmentsChanged = 0;
  for (const page of pages.slice(0, SEGMENT_PAGES_PER_STEP)) {
    const segments = JSON.parse(page.segments) as StoredSegment[];
    let changed = false;
    const redacted = segments.map(([label, start, end, text]): StoredSegment => {
      const next: StoredSegment = plan.spoken.has(label)
        ? [ERASED, start, end, ERASED]
        : [plan.labelFor(label), start, end, subject.redact(text)];
      if (next[0] !== label || next[3] !== text) {
        changed = true;
        segmentsChanged++;
      }
      return next;
    });
    if (changed) writes.push(setSegmentPage(orgId, row.id, page.page, JSON.stringify(redacted)));
  }
  const touched = Boolean(at.touched) || segmentsChanged > 0;
  if (pages.length > SEGMENT_PAGES_PER_STEP) {
    const nextPage = (pages[SEGMENT_PAGES_PER_STEP] as { page: number }).page;
    return {
      writes,
      counts: { transcriptSegments: segmentsChanged },
      next: { cursor: row.id, page: nextPage, touched },
    };
  }
  const finish = await finishTranscription(ctx, row, plan, touched);
  return {
    writes: [...writes, ...finish.writes],
    counts: { ...finish.counts, transcriptSegments: segmentsChanged },
    next: { cursor: row.id },
  };
};

async function finishTranscription(
  { db, orgId, subject, now }: PhaseContext,
  row: TranscriptionRow,
  plan: ReturnType<typeof speakerPlan>,
  segmentsTouched: boolean,
) {
  const writes: SQL[] = [];
  const error = row.error === null ? null : subject.redact(row.error);
  const peopleChanged =
    JSON.stringify(plan.labels) !== JSON.stringify(row.speakerLabels) ||
    JSON.stringify(plan.newNames) !== JSON.stringify(row.speakerNames) ||
    error !== row.error;
  if (peopleChanged) {
    writes.push(
      setTranscriptionPeople(orgId, row.id, { speakerLabels: plan.labels, speakerNames: plan.newNames, error }),
    );
  }
  const stale = segmentsTouched || peopleChanged;
  const outputs = await aiOutputsOf(db, orgId, row.id);
  const mentions = (value: unknown) => subject.occursIn(JSON.stringify(value));
  const summaries = outputs.summaries.filter((s) => stale || mentions(s.result) || subject.occursIn(s.error));
  const results = outputs.results.filter((r) => stale || mentions(r.result));
  for (const s of summaries) writes.push(...deleteSummaryStatements(orgId, s.id, now));
  for (const r of results) writes.push(deleteAiResultStatement(orgId, row.id, r.kind, r.paramsHash));
  return {
    writes,
    counts: { speakerNames: plan.renamesChanged, summaries: summaries.length, aiResults: results.length },
  };
}

/** Finished exports made before the request hold the subject: they go (objects first, then rows). */
const exportsPhase: Phase = async ({ db, bucket, orgId, requestedAt }) => {
  const rows = await finishedExportsBefore(db, orgId, requestedAt);
  if (rows.length > 0) await bucket.delete(rows.map((r) => exportKey(orgId, r.id)));
  return {
    writes: rows.map((r) => deleteExportStatement(orgId, r.id)),
    counts: {},
    next: rows.length < SCAN_PAGE ? null : { cursor: "" },
  };
};

/**
 * Dashboard members (SPEC §11) whose email (an `email` erasure) or name (a `displayName` one) is the subject:
 * removed, their sessions ending in the same batch. The organization's last owner is kept (removing them would
 * lock everyone out, and their email is how they sign in): only their name goes, counted in `ownersKept`.
 */
const membersPhase: Phase = async ({ db, orgId, subject, now }, at) => {
  const rows = await memberPage(db, orgId, at.cursor);
  const matched = rows.filter((r) =>
    subject.field === "email"
      ? subject.identifies(r.email)
      : subject.field === "displayName" && subject.identifies(r.name),
  );
  // Owners left after this page's earlier removals (earlier pages are committed): which one is the last.
  let owners = matched.some((r) => r.role === "owner") ? await ownerCount(db, orgId) : 0;
  let removed = 0;
  let kept = 0;
  for (const r of matched) {
    if (r.role !== "owner") removed++;
    else if (owners > 1) {
      owners--;
      removed++;
    } else kept++;
  }
  return {
    writes: matched.flatMap((r) => eraseMemberStatements(orgId, r.id, r.email, now)),
    counts: { members: removed, ownersKept: kept },
    next: lastKey(rows, (r) => r.id),
  };
};

/** Invitations to the subject's email address (pending, accepted or expired): deleted. */
const invitationsPhase: Phase = async ({ db, orgId, subject }, at) => {
  if (subject.field !== "email") return { writes: [], counts: {}, next: null };
  const rows = await invitationPage(db, orgId, at.cursor);
  const matched = rows.filter((r) => subject.identifies(r.email));
  return {
    writes: matched.map((r) => deleteInvitationStatement(orgId, r.id)),
    counts: { invitations: matched.length },
    next: lastKey(rows, (r) => r.id),
  };
};

/**
 * Idempotency-Key replays (kept 24 h in the organization's Durable Object, sealed with the caller's credential):
 * last, so every request that started before the scan ended is covered; each is redacted when it is replayed.
 */
const replaysPhase: Phase = async ({ eraseFromReplays }) => {
  await eraseFromReplays();
  return { writes: [], counts: {}, next: null };
};

/** The phases in order; each walks the organization's rows of one table (see `TENANT_TABLES`). */
export const PHASES: readonly Phase[] = [
  participants,
  roomEvents,
  eventLog,
  textColumn("meetingMetadata"),
  textColumn("recordingFilename", "recordings"),
  textColumn("apiKeyName"),
  textColumn("webhookDescription"),
  transcriptionsPhase,
  membersPhase,
  invitationsPhase,
  exportsPhase,
  replaysPhase,
];
