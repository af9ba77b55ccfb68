import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDb, type Database } from "../db/client";
import type { AppEnv } from "../env";
import { type Queues, queueProducer } from "../queues/producer";
import { publishEvents } from "../services/events";
import { orgGate } from "../services/org-gate";

type OrgGateStub = ReturnType<typeof orgGate>;

/**
 * What handlers and middleware reach storage and the organization's Durable Object through, one set
 * per request (as Unkey's `init` does). Each part is made on first use, so a request pays only for
 * what it touches: a read answered from the admission snapshot builds no database client at all.
 */
export class RequestDeps {
  #db: Database | undefined;
  #gate: OrgGateStub | undefined;
  #queues: Queues | undefined;

  constructor(private readonly c: Context<AppEnv>) {}

  /** The D1 database (drizzle), built once for the request. */
  get db(): Database {
    this.#db ??= createDb(this.c.env.DB);
    return this.#db;
  }

  /** The R2 bucket of recordings and room logos. */
  get bucket(): R2Bucket {
    return this.c.env.RECORDINGS;
  }

  /** Typed producers of the app's queues, which services are handed. */
  get queues(): Queues {
    this.#queues ??= queueProducer(this.c.env);
    return this.#queues;
  }

  /** The calling organization's Durable Object (set by authentication): one stub for budget, idempotency and handler. */
  get gate(): OrgGateStub {
    this.#gate ??= orgGate(this.c.env, this.c.get("auth").orgId);
    return this.#gate;
  }

  /** Any organization's Durable Object (operator routes, the idempotency space, download links). */
  gateOf(orgId: string): OrgGateStub {
    return orgId === this.c.get("auth")?.orgId ? this.gate : orgGate(this.c.env, orgId);
  }

  /** Publishes recorded events after the response; the outbox sweeper covers an isolate that dies first. */
  publish(...published: { id: string }[]): void {
    this.c.executionCtx.waitUntil(
      publishEvents(
        this.queues,
        this.db,
        published.map((event) => event.id),
      ),
    );
  }
}

/** Sets `c.var.deps` for the request; nothing is built until a handler asks for it. */
export const requestDeps = createMiddleware<AppEnv>(async (c, next) => {
  c.set("deps", new RequestDeps(c));
  await next();
});
