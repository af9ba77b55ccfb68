import { AiJobMessage, StorageJobMessage, WebhookQueueMessage } from "./messages";
import { consumeStorageJobs } from "./storage-jobs";

type Consumer = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

/**
 * Until the webhook and AI consumers land, those queues acknowledge what it can parse (nothing
 * is subscribed yet, so there is nothing to deliver) and drops what it cannot, loudly.
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
  webhooks: acknowledging(WebhookQueueMessage, "webhooks"),
  "ai-jobs": acknowledging(AiJobMessage, "ai-jobs"),
  "webhooks-dlq": acknowledging(WebhookQueueMessage, "webhooks-dlq"),
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
