import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { createDb } from "../db/client";
import { events } from "../db/schema";
import { attemptDelivery, enqueueAttempts, failDelivery, fanOutEvents } from "../services/webhook-deliveries";
import { WebhookQueueMessage } from "./messages";

/** Attempts run side by side: each mostly waits on the receiver. */
const CONCURRENT_ATTEMPTS = 16;
/** Fan-outs up to this many deliveries make their first attempts in the same invocation. */
const INLINE_FIRST_ATTEMPTS = 100;

function logError(queue: string, fields: Record<string, unknown>) {
  console.error(JSON.stringify({ level: "error", queue, ...fields }));
}

type Parsed = { message: Message<unknown>; body: WebhookQueueMessage };

function parseAll(batch: MessageBatch<unknown>): Parsed[] {
  const parsed: Parsed[] = [];
  for (const message of batch.messages) {
    const result = WebhookQueueMessage.safeParse(message.body);
    if (result.success) parsed.push({ message, body: result.data });
    else {
      logError(batch.queue, { messageId: message.id, problem: "unparseable message" });
      message.ack();
    }
  }
  return parsed;
}

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
      env,
      deliveryIds.map((deliveryId) => ({ deliveryId, attempt: 1 })),
    );
    return;
  }
  await inPool(deliveryIds, CONCURRENT_ATTEMPTS, async (deliveryId) => {
    const message = { kind: "delivery.v1", deliveryId, attempt: 1 } as const;
    try {
      await attemptDelivery(env, db, message);
    } catch (error) {
      logError(queue, { kind: message.kind, deliveryId, error: String(error) });
      await enqueueAttempts(env, [{ deliveryId, attempt: 1, delayMs: 5_000 }]);
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
  const parsed = parseAll(batch);
  const fanOuts = parsed.filter((p) => p.body.kind === "events.v1");
  if (fanOuts.length > 0) {
    try {
      const waiting = await fanOutEvents(
        db,
        fanOuts.flatMap((p) => (p.body.kind === "events.v1" ? p.body.eventIds : [])),
      );
      await firstAttempts(env, db, waiting, batch.queue);
      for (const p of fanOuts) p.message.ack();
    } catch (error) {
      logError(batch.queue, { kind: "events.v1", error: String(error) });
      for (const p of fanOuts) p.message.retry({ delaySeconds: 5 });
    }
  }
  const attempts = parsed.filter((p) => p.body.kind === "delivery.v1");
  await inPool(attempts, CONCURRENT_ATTEMPTS, async ({ message, body }) => {
    if (body.kind !== "delivery.v1") return;
    try {
      await attemptDelivery(env, db, body);
      message.ack();
    } catch (error) {
      logError(batch.queue, { kind: body.kind, deliveryId: body.deliveryId, error: String(error) });
      message.retry({ delaySeconds: 5 });
    }
  });
}

/**
 * `webhooks-dlq` consumer. A delivery attempt that kept crashing is recorded as failed (and can be
 * re-sent with `POST /api/v1/events/{id}/redeliver`); events whose fan-out kept crashing are handed
 * back to the outbox sweeper, which publishes them again a minute later.
 */
export async function consumeWebhooksDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  for (const { message, body } of parseAll(batch)) {
    if (body.kind === "delivery.v1") {
      await failDelivery(db, body, "The delivery job failed repeatedly");
    } else {
      logError(batch.queue, { kind: body.kind, problem: "fan-out failed repeatedly; returned to the outbox" });
      await db.run(
        sql`UPDATE ${events} SET enqueued_at = NULL WHERE id IN (SELECT value FROM json_each(${JSON.stringify(body.eventIds)}))`,
      );
    }
    message.ack();
  }
}
