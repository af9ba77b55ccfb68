import { createDb } from "../db/client";
import { queueProducer } from "../queues/producer";
import { republishStrandedEvents } from "../services/events";
import { purgeExpiredRecords as purge } from "../services/retention";
import { requeueOverdueDeliveries } from "../services/webhook-deliveries";

/** Drops events, webhook deliveries and tombstones older than 30 days and audit rows past 12 months, a bounded page per run. */
export async function purgeExpiredRecords(env: Env, now: number): Promise<void> {
  await purge(createDb(env.DB), now);
}

/** Delivery attempts whose queue message was lost are queued again. */
export async function sweepOverdueDeliveries(env: Env, now: number): Promise<number> {
  return requeueOverdueDeliveries(queueProducer(env), createDb(env.DB), now);
}

/** Outbox sweep: events whose enqueue never happened (isolate died) are sent now. */
export async function sweepEventOutbox(env: Env, now: number): Promise<number> {
  return republishStrandedEvents(queueProducer(env), createDb(env.DB), now);
}
