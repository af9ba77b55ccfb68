import type { z } from "zod";
import { StorageJobMessage } from "../contracts/queue-messages";
import { consumeAiJobs, consumeAiJobsDeadLetters } from "./consumers/ai-jobs";
import { consumeStorageJobs } from "./consumers/storage-jobs";
import { consumeWebhooks, consumeWebhooksDeadLetters } from "./consumers/webhooks";
import { parseBatch } from "./parse";

type Consumer = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

/** Acknowledges what parses and drops what does not, loudly (exhausted storage jobs). */
function acknowledging(schema: z.ZodType): Consumer {
  return async (batch) => {
    for (const { message } of parseBatch(batch, schema)) message.ack();
  };
}

const CONSUMERS: Record<string, Consumer> = {
  webhooks: consumeWebhooks,
  "ai-jobs": consumeAiJobs,
  "webhooks-dlq": consumeWebhooksDeadLetters,
  "ai-jobs-dlq": consumeAiJobsDeadLetters,
  "storage-jobs": consumeStorageJobs,
  // Exhausted storage jobs are logged; the objects they name stay, and a later request can retry.
  "storage-jobs-dlq": acknowledging(StorageJobMessage),
};

/** Dispatches a batch to its queue's consumer. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const consumer = CONSUMERS[batch.queue];
  if (!consumer) throw new Error(`no consumer for queue ${batch.queue}`);
  await consumer(batch, env);
}
