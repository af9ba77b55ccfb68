import { transcribeMaxBytes, transcriptionProvider } from "../../ai/provider-config";
import { AiJobMessage } from "../../contracts/queue-messages";
import { createDb } from "../../db/client";
import { orgGate } from "../../services/org-gate";
import {
  failTranscription,
  GENERIC_JOB_ERROR,
  runTranscriptionJob,
  type TranscriptionJob,
  type TranscriptionJobDeps,
} from "../../services/transcription-jobs";
import { logQueueError, parseBatch } from "../parse";
import { queueProducer } from "../producer";
import { consumeSummaryDeadLetter, consumeSummaryJob } from "./summary-jobs";

/** Matches `max_retries` of the `ai-jobs` consumer in wrangler.toml: the last delivery is attempt 1 + this. */
export const AI_JOB_MAX_RETRIES = 5;

/** Capped exponential backoff (seconds): 30 s, 1 min, 2 min, … at most 30 min. */
const retryDelay = (attempts: number) => Math.min(30 * 60, 30 * 2 ** Math.max(0, attempts - 1));

function jobDeps(env: Env, orgId: string): TranscriptionJobDeps {
  return {
    db: createDb(env.DB),
    bucket: env.RECORDINGS,
    queues: queueProducer(env),
    provider: transcriptionProvider(env),
    maxBytes: transcribeMaxBytes(env),
    usage: orgGate(env, orgId),
  };
}

/** Fails the transcription of a job out of attempts; false when that failed too (the dead-letter queue retries it). */
async function failedForGood(deps: TranscriptionJobDeps, job: TranscriptionJob): Promise<boolean> {
  try {
    await failTranscription(deps, job, GENERIC_JOB_ERROR);
    return true;
  } catch {
    return false;
  }
}

/**
 * `ai-jobs` consumer: each job acked once done (or found already done), retried with backoff when it threw
 * for a reason of ours; the last attempt marks the transcription failed instead of leaving it in progress.
 */
export async function consumeAiJobs(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const { message, body } of parseBatch(batch, AiJobMessage)) {
    if (body.kind === "summary.v1") {
      await consumeSummaryJob(message, body, env);
      continue;
    }
    const deps = jobDeps(env, body.orgId);
    try {
      await runTranscriptionJob(deps, body);
      message.ack();
    } catch (error) {
      logQueueError(batch.queue, { kind: body.kind, transcriptionId: body.transcriptionId, error: String(error) });
      if (message.attempts > AI_JOB_MAX_RETRIES && (await failedForGood(deps, body))) message.ack();
      else message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}

/** `ai-jobs-dlq`: a job the queue gave up on leaves its transcription failed, never in progress for ever. */
export async function consumeAiJobsDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const { message, body } of parseBatch(batch, AiJobMessage)) {
    if (body.kind === "summary.v1") {
      await consumeSummaryDeadLetter(message, body, env);
      continue;
    }
    try {
      await failTranscription(jobDeps(env, body.orgId), body, GENERIC_JOB_ERROR);
      message.ack();
    } catch (error) {
      logQueueError(batch.queue, { kind: body.kind, transcriptionId: body.transcriptionId, error: String(error) });
      message.retry();
    }
  }
}
