import { textProvider } from "../../ai/provider-config";
import type { SummaryJobMessage } from "../../contracts/queue-messages";
import { createDb } from "../../db/client";
import { orgGate } from "../../services/org-gate";
import { failSummary, GENERIC_SUMMARY_ERROR, runSummaryJob, type SummaryJobDeps } from "../../services/summary-jobs";
import { logQueueError } from "../parse";
import { queueProducer } from "../producer";

/** Matches `max_retries` of the `ai-jobs` consumer in wrangler.toml: the last delivery is attempt 1 + this. */
const MAX_RETRIES = 5;

/** Capped exponential backoff (seconds): 30 s, 1 min, 2 min, … at most 30 min. */
const retryDelay = (attempts: number) => Math.min(30 * 60, 30 * 2 ** Math.max(0, attempts - 1));

function summaryJobDeps(env: Env, orgId: string): SummaryJobDeps {
  return {
    db: createDb(env.DB),
    queues: queueProducer(env),
    gate: orgGate(env, orgId),
    provider: () => textProvider(env),
  };
}

/**
 * One `summary.v1` message of the `ai-jobs` queue: acked once done (or found already done), retried with backoff
 * when it threw for a reason of ours; the last attempt fails the summary (and refunds) instead of leaving it in
 * progress.
 */
export async function consumeSummaryJob(message: Message<unknown>, body: SummaryJobMessage, env: Env): Promise<void> {
  const deps = summaryJobDeps(env, body.orgId);
  try {
    await runSummaryJob(deps, body);
    message.ack();
  } catch (error) {
    logQueueError("ai-jobs", { kind: body.kind, summaryId: body.summaryId, error: String(error) });
    if (message.attempts > MAX_RETRIES) {
      await failSummary(deps, body, GENERIC_SUMMARY_ERROR).catch(() => {});
      message.ack();
    } else message.retry({ delaySeconds: retryDelay(message.attempts) });
  }
}

/** `ai-jobs-dlq`: a summary job the queue gave up on leaves its summary failed and its generation refunded. */
export async function consumeSummaryDeadLetter(
  message: Message<unknown>,
  body: SummaryJobMessage,
  env: Env,
): Promise<void> {
  try {
    await failSummary(summaryJobDeps(env, body.orgId), body, GENERIC_SUMMARY_ERROR);
    message.ack();
  } catch (error) {
    logQueueError("ai-jobs-dlq", { kind: body.kind, summaryId: body.summaryId, error: String(error) });
    message.retry();
  }
}
