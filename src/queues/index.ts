import { consumeAiJobs, consumeAiJobsDeadLetters } from "./consumers/ai-jobs";
import { consumeStorageJobs, consumeStorageJobsDeadLetters } from "./consumers/storage-jobs";
import { consumeWebhooks, consumeWebhooksDeadLetters } from "./consumers/webhooks";

type Consumer = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

const CONSUMERS: Record<string, Consumer> = {
  webhooks: consumeWebhooks,
  "ai-jobs": consumeAiJobs,
  "webhooks-dlq": consumeWebhooksDeadLetters,
  "ai-jobs-dlq": consumeAiJobsDeadLetters,
  "storage-jobs": consumeStorageJobs,
  "storage-jobs-dlq": consumeStorageJobsDeadLetters,
};

/** Dispatches a batch to its queue's consumer. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const consumer = CONSUMERS[batch.queue];
  if (!consumer) throw new Error(`no consumer for queue ${batch.queue}`);
  await consumer(batch, env);
}
