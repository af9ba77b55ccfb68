import { sql } from "drizzle-orm";
import { AudioChunkError, planAudioChunks } from "../ai/audio-chunks";
import { type AiProvider, AiProviderError } from "../ai/provider";
import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  findTranscriptionRow,
  finishTranscription,
  markStarted,
  replacePagesStatements,
  transcriptionIn,
  transcriptionNotStarted,
} from "../db/queries/transcriptions";
import type { TranscriptionRow } from "../db/schema";
import type { Queues } from "../queues/producer";
import { redactSegmentsWith, writeWithErasures } from "./erasure/late-writes";
import { type DomainEvent, newEvent, publishEvents, recordEventWhere } from "./events";
import { findRecording } from "./recordings";
import { assembleTranscript, type ChunkTranscript } from "./transcript-assembly";
import { toPages } from "./transcript-pages";

/** What a transcription job needs; the consumer builds it from the environment. */
export interface TranscriptionJobDeps {
  db: Database;
  bucket: R2Bucket;
  queues: Queues;
  /** The transcribing provider, or null when no key is configured (the job then fails readably). */
  provider: AiProvider | null;
  /** The largest file sent to the provider (`OPENAI_TRANSCRIBE_MAX_BYTES`). */
  maxBytes: number;
  /** The organization's gate: usage is added once per transcription id, however often the job runs. */
  usage: { addUsageOnce(counter: "transcriptionSeconds", delta: number, operationId: string): Promise<unknown> };
}

export interface TranscriptionJob {
  orgId: string;
  transcriptionId: string;
}

/** The `error` of a job that failed for a reason of ours (storage unavailable, retries exhausted). */
export const GENERIC_JOB_ERROR = "The transcription could not be completed because of an internal error; try again.";

const eventData = (row: TranscriptionRow) => ({ transcriptionId: row.id, recordingId: row.recordingId });

/**
 * Runs one transcription job (SPEC §6.2), idempotently: a job whose transcription is no longer in progress
 * does nothing; `transcription.started` is recorded once; usage is added once per transcription; segments,
 * the flip to ready and `transcription.finished` are one batch that applies only while still in progress.
 * Provider and chunking failures fail the transcription; anything else throws, for the queue to retry.
 */
export async function runTranscriptionJob(deps: TranscriptionJobDeps, job: TranscriptionJob): Promise<void> {
  const { db } = deps;
  const startedAt = Date.now();
  const row = await findTranscriptionRow(db, job.orgId, job.transcriptionId);
  if (row?.state !== "in_progress") return;
  await recordStarted(deps, row);
  let chunks: ChunkTranscript[];
  try {
    chunks = await transcribeChunks(deps, row);
  } catch (error) {
    if (error instanceof AiProviderError || error instanceof AudioChunkError) {
      await failTranscription(deps, job, error.message);
      return;
    }
    throw error;
  }
  const assembled = assembleTranscript(chunks, row.language);
  await deps.usage.addUsageOnce("transcriptionSeconds", Math.ceil(assembled.durationSeconds), row.id);
  const event = newEvent(row.orgId, "transcription.finished", {
    ...eventData(row),
    durationInSeconds: assembled.durationSeconds,
    segmentCount: assembled.segments.length,
  });
  // Written so that an erasure that ran meanwhile still reaches this transcript (see writeWithErasures).
  const { results } = await writeWithErasures(
    db,
    row.orgId,
    startedAt,
    assembled.segments,
    redactSegmentsWith,
    (segments, guard) => {
      const applies = sql`${transcriptionIn(row.orgId, row.id, "in_progress")} AND ${guard}`;
      return [
        recordEventWhere(event, applies),
        ...replacePagesStatements(row.orgId, row.id, toPages(segments), applies),
        finishTranscription(
          db,
          row.orgId,
          row.id,
          {
            state: "ready",
            language: assembled.language,
            durationSeconds: assembled.durationSeconds,
            segmentCount: segments.length,
            speakerLabels: [...new Set(segments.map((segment) => segment.speaker))],
            error: null,
          },
          guard,
        ),
      ];
    },
  );
  await publishRecorded(deps, results[0], event);
}

async function recordStarted(deps: TranscriptionJobDeps, row: TranscriptionRow) {
  if (row.startedAt !== null) return;
  const event = newEvent(row.orgId, "transcription.started", eventData(row));
  const [recorded] = await sqlBatch(deps.db, [
    recordEventWhere(event, transcriptionNotStarted(row.orgId, row.id)),
    markStarted(deps.db, row.orgId, row.id, event.createdAt),
  ]);
  await publishRecorded(deps, recorded, event);
}

async function publishRecorded(deps: TranscriptionJobDeps, recorded: D1Result | undefined, event: DomainEvent) {
  if ((recorded?.meta.changes ?? 0) > 0) await publishEvents(deps.queues, deps.db, [event.id]);
}

/** Each chunk in turn (one chunk's audio in memory at a time), transcribed by the provider. */
async function transcribeChunks(deps: TranscriptionJobDeps, row: TranscriptionRow): Promise<ChunkTranscript[]> {
  if (!deps.provider) {
    throw new AiProviderError("not_configured", "No AI provider is configured for transcription (OPENAI_API_KEY).");
  }
  const recording = row.recordingId ? await findRecording(deps.db, row.orgId, row.recordingId) : undefined;
  if (recording?.status !== "ready") throw new AudioChunkError("The recording was deleted before it was transcribed.");
  const chunks = await planAudioChunks(
    {
      bucket: deps.bucket,
      key: recording.r2Key,
      filename: recording.filename,
      contentType: recording.contentType,
      sizeInBytes: recording.sizeBytes,
    },
    deps.maxBytes,
  );
  const transcripts: ChunkTranscript[] = [];
  for (const chunk of chunks) {
    const transcript = await deps.provider.transcribe({ audio: chunk.audio, language: row.language });
    transcripts.push({ startSeconds: chunk.startSeconds, transcript });
  }
  return transcripts;
}

/** Marks an in-progress transcription failed with a readable `error` and records `transcription.failed`, once. */
export async function failTranscription(
  deps: Pick<TranscriptionJobDeps, "db" | "queues">,
  job: TranscriptionJob,
  error: string,
) {
  const row = await findTranscriptionRow(deps.db, job.orgId, job.transcriptionId);
  if (row?.state !== "in_progress") return;
  const event = newEvent(row.orgId, "transcription.failed", { ...eventData(row), error });
  const [recorded] = await sqlBatch(deps.db, [
    recordEventWhere(event, transcriptionIn(row.orgId, row.id, "in_progress")),
    finishTranscription(deps.db, row.orgId, row.id, {
      state: "failed",
      language: row.language,
      durationSeconds: null,
      segmentCount: 0,
      speakerLabels: [],
      error,
    }),
  ]);
  if ((recorded?.meta.changes ?? 0) > 0) await publishEvents(deps.queues, deps.db, [event.id]);
}
