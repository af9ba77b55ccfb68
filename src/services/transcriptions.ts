import type { StorageJobMessage } from "../contracts/queue-messages";
import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import { buryTranscriptionStatements, findTombstone } from "../db/queries/tombstones";
import {
  deleteTranscriptionStatements,
  findTranscriptionRow,
  insertTranscription,
  listTranscriptionRows,
  setSpeakerNames,
  type TranscriptionSortField,
} from "../db/queries/transcriptions";
import type { TranscriptionRow, TranscriptionState } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import { iso, isoOrNull } from "../lib/time";
import type { Queues } from "../queues/producer";
import { getRecording } from "./recordings";
import { displayName } from "./transcript-segments";

export interface Transcription {
  transcriptionId: string;
  recordingId: string | null;
  meetingId: string | null;
  roomName: string | null;
  roomSessionId: string | null;
  type: TranscriptionRow["type"];
  state: TranscriptionState;
  language: string | null;
  durationInSeconds: number | null;
  segmentCount: number;
  speakers: string[];
  error: string | null;
  createdAt: string;
  startDate: string | null;
  endDate: string | null;
}

/** Display names in order of first appearance; labels renamed to the same name count once. */
export function speakersOf(row: Pick<TranscriptionRow, "speakerLabels" | "speakerNames">): string[] {
  return [...new Set(row.speakerLabels.map((label) => displayName(label, row.speakerNames)))];
}

export function toTranscription(row: TranscriptionRow): Transcription {
  return {
    transcriptionId: row.id,
    recordingId: row.recordingId,
    meetingId: row.meetingId,
    roomName: row.roomName,
    roomSessionId: row.roomSessionId,
    type: row.type,
    state: row.state,
    language: row.language,
    durationInSeconds: row.durationSeconds,
    segmentCount: row.segmentCount,
    speakers: speakersOf(row),
    error: row.error,
    createdAt: iso(row.createdAt),
    startDate: isoOrNull(row.startDate),
    endDate: isoOrNull(row.endDate),
  };
}

export async function getTranscription(db: Database, orgId: string, transcriptionId: string) {
  const row = await findTranscriptionRow(db, orgId, transcriptionId);
  if (!row) throw new ApiError("not_found", `No transcription ${transcriptionId}.`);
  return row;
}

/** A transcription that must be `ready` for what is asked of it (exports, insights, links): else 409. */
export async function getReadyTranscription(db: Database, orgId: string, transcriptionId: string) {
  const row = await getTranscription(db, orgId, transcriptionId);
  if (row.state !== "ready") {
    throw new ApiError(
      "conflict",
      row.state === "in_progress"
        ? `Transcription ${row.id} is still in progress; poll GET /api/v1/transcriptions/${row.id} until its state is ready.`
        : `Transcription ${row.id} failed (${row.error ?? "no reason recorded"}); it has no transcript.`,
    );
  }
  return row;
}

export type TranscriptionSort = `${TranscriptionSortField}:${"asc" | "desc"}`;

export async function listTranscriptions(
  db: Database,
  orgId: string,
  query: {
    limit: number;
    cursor?: string;
    meetingId?: string;
    roomName?: string;
    state?: TranscriptionState;
    sortBy?: TranscriptionSort;
  },
) {
  const sort = query.sortBy ?? "createdAt:desc";
  const [field, direction] = sort.split(":") as [TranscriptionSortField, "asc" | "desc"];
  const after = decodeCursor(query.cursor, sort);
  const roomName = query.roomName && !query.roomName.startsWith("/") ? `/${query.roomName}` : query.roomName;
  const rows = await listTranscriptionRows(db, orgId, { ...query, field, direction, roomName, after });
  const sortValue = (r: TranscriptionRow) =>
    field === "startDate"
      ? (r.startDate ?? 0)
      : field === "durationInSeconds"
        ? Math.round((r.durationSeconds ?? 0) * 1000)
        : r.createdAt;
  return toPage(rows, query.limit, (r) => ({ v: sortValue(r), id: r.id, s: sort }), toTranscription);
}

/** The fields every new transcription starts with. */
export const baseRow = (orgId: string, now: number) => ({
  id: newId("trn"),
  orgId,
  segmentCount: 0,
  speakerLabels: [] as string[],
  speakerNames: {},
  error: null,
  startedAt: null,
  durationSeconds: null,
  createdAt: now,
});

/**
 * Starts transcribing a ready recording of the organization: the row (`in_progress`) and a job on the
 * `ai-jobs` queue. `aiConfigured` is checked before anything is read or written.
 */
export async function transcribeRecording(
  db: Database,
  queues: Queues,
  orgId: string,
  input: { recordingId: string; language?: string },
  aiConfigured: boolean,
  now = Date.now(),
): Promise<TranscriptionRow> {
  if (!aiConfigured) {
    throw new ApiError(
      "ai_unavailable",
      "Transcribing audio needs the OpenAI provider, and OPENAI_API_KEY is not set on this deployment. Imports (segments, WebVTT, SRT) still work.",
    );
  }
  const recording = await getRecording(db, orgId, input.recordingId);
  if (recording.status !== "ready") {
    throw new ApiError(
      "conflict",
      `Recording ${recording.id} has not finished uploading; transcribe it once it is ready.`,
    );
  }
  const row: TranscriptionRow = {
    ...baseRow(orgId, now),
    recordingId: recording.id,
    meetingId: recording.meetingId,
    roomName: recording.roomName,
    roomSessionId: recording.roomSessionId,
    type: "RECORDING_TRANSCRIPTION",
    state: "in_progress",
    language: input.language ?? null,
    startDate: recording.startDate,
    endDate: recording.endDate,
  };
  await insertTranscription(db, row);
  try {
    await queues.aiJobs.send({ kind: "transcription.v1", transcriptionId: row.id, orgId });
  } catch (error) {
    // Without its job the row would stay in progress for ever: the client is told to retry instead.
    await sqlBatch(db, deleteTranscriptionStatements(db, orgId, row.id));
    throw error;
  }
  return row;
}

/**
 * Applies renames (`null` removes one) as a JSON merge patch in one statement, so concurrent renames of
 * different labels both stick. Every key must be a raw label of this transcript.
 */
export async function renameSpeakers(
  db: Database,
  orgId: string,
  transcriptionId: string,
  renames: Record<string, string | null>,
): Promise<TranscriptionRow> {
  const row = await getTranscription(db, orgId, transcriptionId);
  const known = new Set(row.speakerLabels);
  const unknown = Object.keys(renames).filter((label) => !known.has(label));
  if (unknown.length > 0) {
    const labels = row.speakerLabels.length > 0 ? row.speakerLabels.join(", ") : "none yet";
    throw new ApiError("validation_error", `Keys must be raw speaker labels of this transcript (${labels}).`, {
      errors: unknown.map((label) => ({
        location: `body.${label}`,
        message: "Not a speaker label of this transcript",
      })),
    });
  }
  const updated = await setSpeakerNames(db, orgId, transcriptionId, renames);
  if (!updated) throw new ApiError("not_found", `No transcription ${transcriptionId}.`);
  return updated;
}

/**
 * Deletes a transcription with its segments, summary and AI results, leaving tombstones for it and its summary,
 * in one batch. False when there was nothing to delete and this organization had not deleted it lately either:
 * unknown, or another organization's.
 */
export async function deleteTranscription(
  db: Database,
  orgId: string,
  transcriptionId: string,
  now = Date.now(),
): Promise<boolean> {
  const bury = buryTranscriptionStatements(orgId, transcriptionId, now);
  const results = await sqlBatch(db, [
    findTombstone(orgId, "transcription", transcriptionId),
    ...bury,
    ...deleteTranscriptionStatements(db, orgId, transcriptionId),
  ]);
  const rows = (i: number) => results[i]?.results.length ?? 0;
  return rows(0) > 0 || rows(1 + bury.length) > 0;
}

/** Queues the deletion of these transcriptions (unknown ids and other organizations' are skipped then). */
export async function deleteTranscriptionsLater(queues: Queues, orgId: string, transcriptionIds: string[]) {
  const message: StorageJobMessage = {
    kind: "transcriptions.delete.v1",
    orgId,
    transcriptionIds: [...new Set(transcriptionIds)],
  };
  await queues.storageJobs.send(message);
}
