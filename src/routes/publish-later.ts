import type { Context } from "hono";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";
import { queueProducer } from "../queues/producer";
import { publishEvents } from "../services/events";

/** Publishes recorded events after the response; the outbox sweeper covers an isolate that dies first. */
export function publishLater(c: Context<AppEnv>, ...published: { id: string }[]): void {
  c.executionCtx.waitUntil(
    publishEvents(
      queueProducer(c.env),
      createDb(c.env.DB),
      published.map((e) => e.id),
    ),
  );
}
