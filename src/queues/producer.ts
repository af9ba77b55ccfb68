import type { AiJobMessage, StorageJobMessage, WebhookQueueMessage } from "../contracts/queue-messages";

/** One queue, typed by the messages it carries. */
export type Producer<Body> = Pick<Queue<Body>, "send" | "sendBatch">;

/** Every queue Parley sends to; services are handed this instead of the raw bindings. */
export interface Queues {
  webhooks: Producer<WebhookQueueMessage>;
  storageJobs: Producer<StorageJobMessage>;
  aiJobs: Producer<AiJobMessage>;
}

/** The producer over this environment's queue bindings (no wrapping: the bindings, typed). */
export function queueProducer(env: Pick<Env, "WEBHOOKS_QUEUE" | "STORAGE_JOBS_QUEUE" | "AI_JOBS_QUEUE">): Queues {
  return {
    webhooks: env.WEBHOOKS_QUEUE as Queue<WebhookQueueMessage>,
    storageJobs: env.STORAGE_JOBS_QUEUE as Queue<StorageJobMessage>,
    aiJobs: env.AI_JOBS_QUEUE as Queue<AiJobMessage>,
  };
}
