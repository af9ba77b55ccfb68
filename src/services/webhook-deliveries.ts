import { and, eq, sql } from "drizzle-orm";
import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  type EventRow,
  events,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookDeliveries,
  webhookEndpoints,
} from "../db/schema";
import { iso } from "../lib/time";
import { checkWebhookUrl } from "../lib/webhook-url";
import type { DeliveryMessage } from "../queues/messages";
import { newEvent, publishEvents, recordEventWhere } from "./events";
import { signWebhook } from "./webhook-signing";
import { signingSecrets, subscribes } from "./webhooks";

/** Waits after attempts 1–7 (SPEC §8); attempt 8 is the last. */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** An endpoint failing without a single success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 60 * 60 * 1000;
/** Upper bound on a receiver's `Retry-After`, so one header cannot park a delivery for ever. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
/** Queues delay a message by at most 12 h; longer waits are chained through `notBefore`. */
const MAX_QUEUE_DELAY_S = 12 * 60 * 60;
const QUEUE_BATCH = 100;
/** Rows per set-based insert: the JSON travels as one bound parameter. */
const ROWS_PER_INSERT = 1000;
const USER_AGENT = "Parley-Webhooks/1";

/** The wait after a failed attempt: the schedule plus up to 20 % jitter, never sooner than `Retry-After`. */
export function retryDelayMs(attemptMade: number, retryAfterMs: number | null, random = Math.random): number {
  const base = RETRY_DELAYS_MS[attemptMade - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1] ?? 0;
  const jittered = Math.round(base * (1 + 0.2 * random()));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** `Retry-After` as milliseconds from now: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Puts one attempt per item on the queue, delayed as asked (chained past 12 h). */
export async function enqueueAttempts(
  env: Env,
  items: { deliveryId: string; attempt: number; delayMs?: number }[],
  now = Date.now(),
): Promise<void> {
  const messages = items.map(({ deliveryId, attempt, delayMs = 0 }) => {
    const delaySeconds = Math.min(Math.ceil(delayMs / 1000), MAX_QUEUE_DELAY_S);
    const body: DeliveryMessage = { kind: "delivery.v1", deliveryId, attempt };
    if (delayMs > MAX_QUEUE_DELAY_S * 1000) body.notBefore = now + delayMs;
    return { body, ...(delaySeconds > 0 ? { delaySeconds } : {}) };
  });
  for (let i = 0; i < messages.length; i += QUEUE_BATCH) {
    await env.WEBHOOKS_QUEUE.sendBatch(messages.slice(i, i + QUEUE_BATCH));
  }
}

interface NewDelivery {
  id: string;
  orgId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
}

/**
 * Inserts deliveries set-based. Fan-out rows take round 0, so a repeated fan-out of the same
 * event (a retried queue message) inserts nothing twice; redeliveries take the next round.
 */
async function insertDeliveries(db: Database, rows: NewDelivery[], kind: "fanout" | "redeliver", now: number) {
  const endpointOf = sql.raw("json_extract(value, '$.endpointId')");
  const eventOf = sql.raw("json_extract(value, '$.eventId')");
  const round =
    kind === "fanout"
      ? sql`0`
      : sql`(SELECT coalesce(max(d.round), 0) + 1 FROM ${webhookDeliveries} d
             WHERE d.endpoint_id = ${endpointOf} AND d.event_id = ${eventOf})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await db.run(sql`
      INSERT OR IGNORE INTO ${webhookDeliveries}
        (id, org_id, endpoint_id, event_id, event_type, round, attempt, status, next_attempt_at, created_at, updated_at)
      SELECT json_extract(value, '$.id'), json_extract(value, '$.orgId'), ${endpointOf}, ${eventOf},
             json_extract(value, '$.eventType'), ${round}, 0, 'pending', ${now}, ${now}, ${now}
      FROM json_each(${JSON.stringify(rows.slice(i, i + ROWS_PER_INSERT))})`);
  }
}

/**
 * Expands events to the enabled endpoints of their organization that subscribe to them and
 * returns every delivery of these events still waiting for its first attempt, for the caller to
 * make or queue. Safe to repeat: rows are not duplicated, and a repeat after a crash returns the
 * deliveries made before it again (the attempt number filters duplicates).
 */
export async function fanOutEvents(db: Database, eventIds: string[], now = Date.now()): Promise<string[]> {
  const ids = JSON.stringify(eventIds);
  const [eventRows, endpointRows] = await db.batch([
    db
      .select({ id: events.id, orgId: events.orgId, type: events.type })
      .from(events)
      .where(sql`${events.id} IN (SELECT value FROM json_each(${ids}))`),
    db
      .select()
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.status, "enabled"),
          sql`${webhookEndpoints.orgId} IN (SELECT org_id FROM ${events} WHERE id IN (SELECT value FROM json_each(${ids})))`,
        ),
      ),
  ]);
  const rows: NewDelivery[] = [];
  for (const event of eventRows) {
    // A test event goes to the one endpoint it was sent to, never to subscribers.
    if (event.type === "webhook.test") continue;
    for (const endpoint of endpointRows) {
      if (endpoint.orgId !== event.orgId || !subscribes(endpoint, event.type)) continue;
      rows.push({
        id: newDeliveryId(),
        orgId: event.orgId,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
      });
    }
  }
  if (rows.length === 0) return [];
  await insertDeliveries(db, rows, "fanout", now);
  const waiting = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      sql`${webhookDeliveries.eventId} IN (SELECT value FROM json_each(${ids}))
          AND round = 0 AND attempt = 0 AND status = 'pending'`,
    );
  return waiting.map((d) => d.id);
}

const newDeliveryId = () => `dlv_${crypto.randomUUID().replaceAll("-", "")}`;

/** Creates and queues fresh deliveries of one event to the given endpoints (redeliver, test). */
export async function deliverAgain(
  env: Env,
  db: Database,
  event: Pick<EventRow, "id" | "orgId" | "type">,
  endpoints: Pick<WebhookEndpointRow, "id">[],
  now = Date.now(),
): Promise<{ id: string; webhookId: string }[]> {
  const rows = endpoints.map((endpoint) => ({
    id: newDeliveryId(),
    orgId: event.orgId,
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type,
  }));
  if (rows.length === 0) return [];
  await insertDeliveries(db, rows, "redeliver", now);
  await enqueueAttempts(
    env,
    rows.map((r) => ({ deliveryId: r.id, attempt: 1 })),
    now,
  );
  return rows.map((r) => ({ id: r.id, webhookId: r.endpointId }));
}

interface AttemptOutcome {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  retryAfterMs: number | null;
  gone: boolean;
}

/** One HTTP attempt: signed, 15 s budget, redirects not followed, the response body discarded. */
async function send(
  endpoint: WebhookEndpointRow,
  event: EventRow,
  allowInsecure: boolean,
  now: number,
): Promise<AttemptOutcome> {
  const failed = (error: string): AttemptOutcome => ({
    ok: false,
    responseStatus: null,
    durationMs: 0,
    error,
    retryAfterMs: null,
    gone: false,
  });
  // Re-checked at delivery: the rules may have tightened since the endpoint was saved.
  const check = checkWebhookUrl(endpoint.url, { allowInsecure });
  if (!check.ok) return failed(`URL not allowed: ${check.reason}`);
  const body = JSON.stringify({ type: event.type, timestamp: iso(event.createdAt), data: event.data });
  const timestampSeconds = Math.floor(now / 1000);
  const signature = await signWebhook(signingSecrets(endpoint, now), { id: event.id, timestampSeconds, body });
  const started = Date.now();
  try {
    const response = await fetch(check.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event.id,
        "webhook-timestamp": String(timestampSeconds),
        "webhook-signature": signature,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400;
    return {
      ok,
      responseStatus: response.status,
      durationMs: Date.now() - started,
      error: ok ? null : `HTTP ${response.status}${redirect ? " (redirects are not followed)" : ""}`,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), Date.now()),
      gone: response.status === 410,
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ...failed(timedOut ? `No response within ${ATTEMPT_TIMEOUT_MS / 1000} s` : `Request failed: ${String(error)}`),
      durationMs: Date.now() - started,
    };
  }
}

type Loaded = { delivery: WebhookDeliveryRow; event: EventRow | null; endpoint: WebhookEndpointRow | null };

async function load(db: Database, deliveryId: string): Promise<Loaded | undefined> {
  return (
    await db
      .select({ delivery: webhookDeliveries, event: events, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .leftJoin(events, eq(events.id, webhookDeliveries.eventId))
      .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, deliveryId))
      .limit(1)
  )[0];
}

/**
 * Makes attempt `message.attempt` of a delivery and records it. A message for an attempt already
 * made (a duplicate, or one the sweeper re-sent) is dropped. If the worker dies after sending but
 * before recording, the queue runs the message again: the receiver may see the event twice (same
 * `webhook-id`), but it is never lost.
 */
export async function attemptDelivery(env: Env, db: Database, message: DeliveryMessage, now = Date.now()) {
  if (message.notBefore !== undefined && message.notBefore > now + 1000) {
    await enqueueAttempts(env, [{ ...message, delayMs: message.notBefore - now }], now);
    return;
  }
  const loaded = await load(db, message.deliveryId);
  if (!loaded) return;
  const { delivery, event, endpoint } = loaded;
  if (delivery.status !== "pending" || delivery.attempt !== message.attempt - 1) return;

  if (!endpoint || !event) {
    await finish(db, delivery, message.attempt, "failed", {
      error: !endpoint ? "The endpoint was deleted" : "The event is past its 30-day retention",
    });
    return;
  }
  if (endpoint.status !== "enabled") {
    await finish(db, delivery, message.attempt, "failed", { error: "The endpoint is disabled" });
    return;
  }
  const outcome = await send(endpoint, event, env.ALLOW_INSECURE_WEBHOOKS === "true", now);
  const finishedAt = Date.now();
  const last = message.attempt >= MAX_ATTEMPTS || outcome.gone;
  const delayMs = outcome.ok || last ? null : retryDelayMs(message.attempt, outcome.retryAfterMs);
  const recorded = await finish(
    db,
    delivery,
    message.attempt,
    outcome.ok ? "succeeded" : last ? "failed" : "pending",
    { ...outcome, nextAttemptAt: delayMs === null ? null : finishedAt + delayMs },
    finishedAt,
  );
  if (!recorded) return;
  if (delayMs !== null) {
    await enqueueAttempts(env, [{ deliveryId: delivery.id, attempt: message.attempt + 1, delayMs }], finishedAt);
  }
  await trackEndpointHealth(env, db, endpoint, outcome, finishedAt);
}

/** Records an attempt, only if no other run recorded it first. Returns whether this one did. */
async function finish(
  db: Database,
  delivery: WebhookDeliveryRow,
  attempt: number,
  status: WebhookDeliveryRow["status"],
  result: { responseStatus?: number | null; durationMs?: number; error?: string | null; nextAttemptAt?: number | null },
  now = Date.now(),
): Promise<boolean> {
  const updated = await db
    .update(webhookDeliveries)
    .set({
      attempt,
      status,
      responseStatus: result.responseStatus ?? null,
      durationMs: result.durationMs ?? null,
      error: result.error ?? null,
      nextAttemptAt: result.nextAttemptAt ?? null,
      updatedAt: now,
    })
    .where(
      and(
        eq(webhookDeliveries.id, delivery.id),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempt, attempt - 1),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return updated.length > 0;
}

/** A success clears the failing streak; a 410 or five days of failures disable the endpoint. */
async function trackEndpointHealth(
  env: Env,
  db: Database,
  endpoint: WebhookEndpointRow,
  outcome: AttemptOutcome,
  now: number,
): Promise<void> {
  if (outcome.ok) {
    if (endpoint.failingSince !== null) {
      await db.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id));
    }
    return;
  }
  const failingSince = endpoint.failingSince ?? now;
  if (endpoint.failingSince === null) {
    await db
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now})` })
      .where(eq(webhookEndpoints.id, endpoint.id));
  }
  const reason = outcome.gone ? "gone" : now - failingSince >= DISABLE_AFTER_FAILING_MS ? "failing" : null;
  if (reason) await disableEndpoint(env, db, endpoint, reason, failingSince, now);
}

/** Disables an endpoint and tells the organization's other endpoints with `webhook.disabled` (once). */
async function disableEndpoint(
  env: Env,
  db: Database,
  endpoint: WebhookEndpointRow,
  reason: "gone" | "failing",
  failingSince: number,
  now: number,
): Promise<void> {
  const event = newEvent(
    endpoint.orgId,
    "webhook.disabled",
    { webhookId: endpoint.id, url: endpoint.url, reason, failingSince: iso(failingSince) },
    now,
  );
  const [recorded] = await sqlBatch(db, [
    recordEventWhere(
      event,
      sql`EXISTS (SELECT 1 FROM ${webhookEndpoints} WHERE id = ${endpoint.id} AND status = 'enabled')`,
    ),
    sql`UPDATE ${webhookEndpoints} SET status = 'disabled', disabled_reason = ${reason}, updated_at = ${now}
        WHERE id = ${endpoint.id} AND status = 'enabled'`,
  ]);
  if ((recorded?.meta.changes ?? 0) > 0) await publishEvents(env, db, [event.id]);
}

/** Dead-letter handling: a delivery whose attempt kept crashing is recorded as failed, not lost from view. */
export async function failDelivery(db: Database, message: DeliveryMessage, error: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: "failed", attempt: message.attempt, error, nextAttemptAt: null, updatedAt: Date.now() })
    .where(
      and(
        eq(webhookDeliveries.id, message.deliveryId),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempt, message.attempt - 1),
      ),
    );
}

/** How long past due a pending attempt must be before the sweeper assumes its message was lost. */
export const OVERDUE_AFTER_MS = 10 * 60 * 1000;

/** Scheduled: re-queues pending attempts whose message never arrived (a bounded page per run). */
export async function requeueOverdueDeliveries(env: Env, db: Database, now: number, limit = 500): Promise<number> {
  const overdue = await db
    .select({ id: webhookDeliveries.id, attempt: webhookDeliveries.attempt })
    .from(webhookDeliveries)
    .where(sql`status = 'pending' AND next_attempt_at < ${now - OVERDUE_AFTER_MS}`)
    .limit(limit);
  if (overdue.length === 0) return 0;
  await enqueueAttempts(
    env,
    overdue.map((d) => ({ deliveryId: d.id, attempt: d.attempt + 1 })),
    now,
  );
  // Due again in a while, so a slow queue is not flooded with a copy every minute.
  await db.run(
    sql`UPDATE ${webhookDeliveries} SET next_attempt_at = ${now}
        WHERE id IN (SELECT value FROM json_each(${JSON.stringify(overdue.map((d) => d.id))}))`,
  );
  return overdue.length;
}
