import { WebhookQueueMessage } from "../../contracts/queue-messages";
import type { Database } from "../../db/client";
import { createDb } from "../../db/client";
import { allowInsecureWebhooks, secretsKeyring } from "../../env";
import {
  attemptDelivery,
  deadLetteredAttempt,
  enqueueAttempts,
  FAN_OUT_MAX_EVENTS,
  fanOutEvents,
} from "../../services/webhook-deliveries";
import { logQueueError, parseBatch } from "../parse";
import { queueProducer } from "../producer";

/** Attempts run side by side (each mostly waits on the receiver), within Workers' 6 open connections. */
const CONCURRENT_ATTEMPTS = 6;
/**
 * Fan-outs up to this many deliveries (two rounds of connections) make their first attempts in the
 * same invocation; larger ones are queued, so Queues spreads them over concurrent consumers.
 */
const INLINE_FIRST_ATTEMPTS = 12;

const attemptOptions = async (env: Env) => ({
  keyring: await secretsKeyring(env),
  allowInsecure: allowInsecureWebhooks(env),
});

type Parsed = { message: Message<unknown>; body: WebhookQueueMessage };

/** Backoff for messages whose work threw: 5 s doubling to 5 min, about 25 min before dead-lettering. */
const retryDelaySeconds = (attempts: number) => Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/**
 * First attempts of a small fan-out are made right here, saving a second trip through the queue
 * (about a second of latency); a large one is queued so attempts spread over many consumers. An
 * inline attempt that throws is queued, so the queue's retries and dead-lettering apply to it.
 */
async function firstAttempts(env: Env, db: Database, deliveryIds: string[], queue: string): Promise<void> {
  if (deliveryIds.length > INLINE_FIRST_ATTEMPTS) {
    await enqueueAttempts(
      queueProducer(env),
      deliveryIds.map((deliveryId) => ({ deliveryId, attempt: 1 })),
    );
    return;
  }
  await inPool(deliveryIds, CONCURRENT_ATTEMPTS, async (deliveryId) => {
    const message = { kind: "delivery.v1", deliveryId, attempt: 1 } as const;
    try {
      await attemptDelivery(queueProducer(env), db, message, Date.now(), await attemptOptions(env));
    } catch (error) {
      logQueueError(queue, { kind: message.kind, deliveryId, error: String(error) });
      await enqueueAttempts(queueProducer(env), [{ deliveryId, attempt: 1, delayMs: 5_000 }]);
    }
  });
}

/**
 * `webhooks` consumer: fans events out to endpoints (all event messages of a batch in one go) and
 * makes delivery attempts. A message is acked only once its work is recorded; anything that
 * throws is retried by the queue, and after `max_retries` lands in the dead-letter queue.
 */
export async function consumeWebhooks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  const parsed = parseBatch(batch, WebhookQueueMessage);
  // Fan-outs go in groups of up to 1,000 events, each acked or retried on its own.
  let group: Parsed[] = [];
  let groupEvents: string[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const [messages, eventIds] = [group, groupEvents];
    [group, groupEvents] = [[], []];
    try {
      await firstAttempts(env, db, await fanOutEvents(db, eventIds), batch.queue);
      for (const p of messages) p.message.ack();
    } catch (error) {
      logQueueError(batch.queue, { kind: "events.v1", error: String(error) });
      for (const p of messages) p.message.retry({ delaySeconds: retryDelaySeconds(p.message.attempts) });
    }
  };
  for (const p of parsed) {
    if (p.body.kind !== "events.v1") continue;
    if (groupEvents.length + p.body.eventIds.length > FAN_OUT_MAX_EVENTS) await flush();
    group.push(p);
    groupEvents.push(...p.body.eventIds);
  }
  await flush();
  const attempts = parsed.filter((p) => p.body.kind === "delivery.v1");
  await inPool(attempts, CONCURRENT_ATTEMPTS, async ({ message, body }) => {
    if (body.kind !== "delivery.v1") return;
    try {
      await attemptDelivery(queueProducer(env), db, body, Date.now(), await attemptOptions(env));
      message.ack();
    } catch (error) {
      logQueueError(batch.queue, { kind: body.kind, deliveryId: body.deliveryId, error: String(error) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  });
}

/**
 * `webhooks-dlq` consumer. An attempt that kept crashing counts as a failed attempt and the
 * schedule moves on (the last one fails the delivery, which can be re-sent with
 * `POST /api/v1/events/{id}/redeliver`). Events whose fan-out kept crashing need nothing here:
 * they are not marked fanned out, so the outbox sweeper publishes them again.
 */
export async function consumeWebhooksDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const { message, body } of parseBatch(batch, WebhookQueueMessage)) {
    if (body.kind === "delivery.v1") {
      try {
        await deadLetteredAttempt(queueProducer(env), db, body);
      } catch (error) {
        logQueueError(batch.queue, { kind: body.kind, deliveryId: body.deliveryId, error: String(error) });
        // Should these retries run out too, the row is still pending and due: the overdue sweeper re-queues it.
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        continue;
      }
    } else {
      logQueueError(batch.queue, {
        kind: body.kind,
        problem: "fan-out failed repeatedly; the outbox sweeper retries it",
      });
    }
    message.ack();
  }
}
