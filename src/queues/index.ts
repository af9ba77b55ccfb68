import type { z } from "zod";
import { AiJobMessage, StorageJobMessage } from "../contracts/queue-messages";
import { consumeStorageJobs } from "./consumers/storage-jobs";
import { consumeWebhooks, consumeWebhooksDeadLetters } from "./consumers/webhooks";
import { parseBatch } from "./parse";

type Consumer = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

/**
 * Until the AI consumer lands, its queue acknowledges what it can parse (nothing produces AI jobs
 * yet) and drops what it cannot, loudly.
 */
function acknowledging(schema: z.ZodType): Consumer {
  return async (batch) => {
    for (const { message } of parseBatch(batch, schema)) message.ack();
  };
}

const CONSUMERS: Record<string, Consumer> = {
  webhooks: consumeWebhooks,
  "ai-jobs": acknowledging(AiJobMessage),
  "webhooks-dlq": consumeWebhooksDeadLetters,
  "ai-jobs-dlq": acknowledging(AiJobMessage),
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
