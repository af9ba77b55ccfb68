import { AiJobMessage, StorageJobMessage } from "./messages";
import { consumeStorageJobs } from "./storage-jobs";
import { consumeWebhooks, consumeWebhooksDeadLetters } from "./webhooks";

type Consumer = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

/**
 * Until the AI consumer lands, its queue acknowledges what it can parse (nothing produces AI jobs
 * yet) and drops what it cannot, loudly.
 */
function acknowledging(schema: { safeParse(value: unknown): { success: boolean } }, queue: string): Consumer {
  return async (batch) => {
    for (const message of batch.messages) {
      if (!schema.safeParse(message.body).success) {
        console.error(JSON.stringify({ level: "error", queue, messageId: message.id, problem: "unparseable message" }));
      }
      message.ack();
    }
  };
}

const CONSUMERS: Record<string, Consumer> = {
  webhooks: consumeWebhooks,
  "ai-jobs": acknowledging(AiJobMessage, "ai-jobs"),
  "webhooks-dlq": consumeWebhooksDeadLetters,
  "ai-jobs-dlq": acknowledging(AiJobMessage, "ai-jobs-dlq"),
  "storage-jobs": consumeStorageJobs,
  // Exhausted storage jobs are logged; the objects they name stay, and a later request can retry.
  "storage-jobs-dlq": acknowledging(StorageJobMessage, "storage-jobs-dlq"),
};

/** Dispatches a batch to its queue's consumer. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const consumer = CONSUMERS[batch.queue];
  if (!consumer) throw new Error(`no consumer for queue ${batch.queue}`);
  await consumer(batch, env);
}
