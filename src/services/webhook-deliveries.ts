import { sql } from "drizzle-orm";
import type { DeliveryMessage } from "../contracts/queue-messages";
import { type Compilable, sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import {
  fanOutCompletionStatements,
  findOverdueDeliveries,
  loadDeliveryForAttempt,
  loadFanOut,
  markOverdueDeliveriesRequeued,
} from "../db/queries/system";
import {
  attemptRecordedBy,
  endpointAfterAttempt,
  insertDeliveriesStatements,
  type NewDelivery,
  recordAttemptUpdate,
} from "../db/queries/webhook-deliveries";
import type { EventRow, WebhookDeliveryRow, WebhookEndpointRow } from "../db/schema";
import { newId } from "../lib/ids";
import type { SecretsKeyring } from "../lib/secrets-at-rest";
import { iso } from "../lib/time";
import { checkWebhookUrl } from "../lib/webhook-url";
import type { Queues } from "../queues/producer";
import { newEvent, publishEvents, recordEventWhere } from "./events";
import { classifyFetchFailure, describeHttpFailure, type FetchFailureKind, type TcpProbe } from "./fetch-failures";
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
  queues: Queues,
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
    await queues.webhooks.sendBatch(messages.slice(i, i + QUEUE_BATCH));
  }
}

/** Most event ids one fan-out handles: their JSON stays a small fraction of D1's 2 MB parameter limit. */
export const FAN_OUT_MAX_EVENTS = 1000;

/**
 * Expands events to the enabled endpoints of their organization that subscribe to them, marks
 * the events fanned out in the same transaction, and returns every delivery of these events still
 * waiting for its first attempt, for the caller to make or queue. Safe to repeat: rows are not
 * duplicated, and a repeat after a crash returns the deliveries made before it again (the attempt
 * number filters duplicates).
 */
export async function fanOutEvents(db: Database, eventIds: string[], now = Date.now()): Promise<string[]> {
  const { eventRows, endpointRows } = await loadFanOut(db, eventIds);
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
  const results = await sqlBatch<{ id: string }>(db, [
    ...insertDeliveriesStatements(rows, "fanout", now),
    ...fanOutCompletionStatements(eventIds, now),
  ]);
  return (results.at(-1)?.results ?? []).map((d) => d.id);
}

const newDeliveryId = () => newId("dlv");

/**
 * Creates and queues fresh deliveries of one event to the given endpoints (redeliver, test).
 * `alongside` runs in the same transaction (the test event's own insert).
 */
export async function deliverAgain(
  queues: Queues,
  db: Database,
  event: Pick<EventRow, "id" | "orgId" | "type">,
  endpoints: Pick<WebhookEndpointRow, "id">[],
  now = Date.now(),
  alongside: Compilable[] = [],
): Promise<{ id: string; webhookId: string }[]> {
  const rows = endpoints.map((endpoint) => ({
    id: newDeliveryId(),
    orgId: event.orgId,
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type,
  }));
  if (rows.length === 0) return [];
  await sqlBatch(db, [...alongside, ...insertDeliveriesStatements(rows, "redeliver", now)]);
  await enqueueAttempts(
    queues,
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
  /** For the log line of a failed attempt. */
  failure?: FetchFailureKind | "http_status" | "url_refused";
}

/**
 * The keyring that decrypts endpoint secrets; whether plain-http and private receivers are allowed
 * (ALLOW_INSECURE_WEBHOOKS); knobs for tests.
 */
export interface AttemptOptions {
  keyring: SecretsKeyring;
  allowInsecure?: boolean;
  timeoutMs?: number;
  probe?: TcpProbe;
}

/** One HTTP attempt: signed, 15 s budget, redirects not followed, the response body discarded. */
async function send(
  endpoint: WebhookEndpointRow,
  event: EventRow,
  now: number,
  { keyring, allowInsecure = false, timeoutMs = ATTEMPT_TIMEOUT_MS, probe }: AttemptOptions,
): Promise<AttemptOutcome> {
  const failed = (error: string, failure: AttemptOutcome["failure"]): AttemptOutcome => ({
    ok: false,
    responseStatus: null,
    durationMs: 0,
    error,
    retryAfterMs: null,
    failure,
  });
  // Re-checked at delivery: the rules may have tightened since the endpoint was saved.
  const check = checkWebhookUrl(endpoint.url, { allowInsecure });
  if (!check.ok) return failed(`URL not allowed: ${check.reason}`, "url_refused");
  const body = JSON.stringify({ type: event.type, timestamp: iso(event.createdAt), data: event.data });
  const timestampSeconds = Math.floor(now / 1000);
  const secrets = await signingSecrets(endpoint, now, keyring);
  const signature = await signWebhook(secrets, { id: event.id, timestampSeconds, body });
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
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400;
    return {
      ok,
      responseStatus: response.status,
      durationMs: Date.now() - started,
      error: ok ? null : `${describeHttpFailure(response.status)}${redirect ? " (redirects are not followed)" : ""}`,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), Date.now()),
      ...(ok ? {} : { failure: "http_status" as const }),
    };
  } catch (error) {
    const durationMs = Date.now() - started;
    const { kind, message } = await classifyFetchFailure(error, new URL(check.url), timeoutMs, probe);
    return { ...failed(message, kind), durationMs };
  }
}

/**
 * One structured line per failed attempt, in place of a stack trace. The host only: a receiver URL
 * may carry a token in its path or query.
 */
function logFailedAttempt(
  delivery: WebhookDeliveryRow,
  endpoint: WebhookEndpointRow,
  attempt: number,
  outcome: AttemptOutcome,
) {
  console.warn(
    JSON.stringify({
      level: "warn",
      message: "webhook attempt failed",
      deliveryId: delivery.id,
      webhookId: endpoint.id,
      attempt,
      host: URL.parse(endpoint.url)?.host ?? null,
      failure: outcome.failure,
      responseStatus: outcome.responseStatus,
      error: outcome.error,
      durationMs: outcome.durationMs,
    }),
  );
}

const load = loadDeliveryForAttempt;

/**
 * Makes attempt `message.attempt` of a delivery and records it. A message for an attempt already
 * made (a duplicate, or one the sweeper re-sent) is dropped. If the worker dies after sending but
 * before recording, the queue runs the message again: the receiver may see the event twice (same
 * `webhook-id`), but it is never lost.
 */
export async function attemptDelivery(
  queues: Queues,
  db: Database,
  message: DeliveryMessage,
  now = Date.now(),
  options: AttemptOptions,
) {
  if (message.notBefore !== undefined && message.notBefore > now + 1000) {
    await enqueueAttempts(queues, [{ ...message, delayMs: message.notBefore - now }], now);
    return;
  }
  const loaded = await load(db, message.deliveryId);
  if (!loaded) return;
  const { delivery, event, endpoint } = loaded;
  if (delivery.status !== "pending" || delivery.attempt !== message.attempt - 1) return;

  if (!endpoint || !event || endpoint.status !== "enabled") {
    const error = !endpoint
      ? "The endpoint was deleted"
      : !event
        ? "The event is past its 30-day retention"
        : "The endpoint is disabled";
    await record(queues, db, delivery, message.attempt, { status: "failed", error }, now);
    return;
  }
  const outcome = await send(endpoint, event, now, options);
  if (!outcome.ok) logFailedAttempt(delivery, endpoint, message.attempt, outcome);
  const finishedAt = Date.now();
  const last = message.attempt >= MAX_ATTEMPTS || isGone(outcome);
  const delayMs = outcome.ok || last ? null : retryDelayMs(message.attempt, outcome.retryAfterMs);
  const status = outcome.ok ? "succeeded" : last ? "failed" : "pending";
  await record(queues, db, delivery, message.attempt, { ...outcome, status, delayMs }, finishedAt, endpoint);
}

/** `410 Gone`: the receiver says the endpoint no longer exists (SPEC §8: disable at once). */
const isGone = (result: { responseStatus?: number | null }) => result.responseStatus === 410;

type AttemptRecord = Partial<AttemptOutcome> & { status: WebhookDeliveryRow["status"]; delayMs?: number | null };

/**
 * Records an attempt and its effect on the endpoint in one transaction, and only if no other run
 * recorded this attempt first: a success clears the failing streak; a failure starts one; a 410,
 * or a streak that reached 5 days, disables the endpoint and emits `webhook.disabled` (once). The
 * 5-day test reads `failing_since` inside the transaction, so a success that just cleared it wins.
 * Then the next attempt is queued; if that send is lost, the overdue sweeper re-queues it.
 */
async function record(
  queues: Queues,
  db: Database,
  delivery: WebhookDeliveryRow,
  attempt: number,
  result: AttemptRecord,
  now: number,
  endpoint?: WebhookEndpointRow,
): Promise<void> {
  const delayMs = result.delayMs ?? null;
  const ours = attemptRecordedBy(delivery.id, attempt, now);
  const statements: Compilable[] = [
    recordAttemptUpdate(db, delivery, {
      attempt,
      status: result.status,
      responseStatus: result.responseStatus ?? null,
      durationMs: result.durationMs ?? null,
      error: result.error ?? null,
      nextAttemptAt: delayMs === null ? null : now + delayMs,
      updatedAt: now,
    }),
  ];
  let disabled: ReturnType<typeof newEvent> | null = null;
  if (endpoint && result.ok) {
    statements.push(endpointAfterAttempt.succeeded(endpoint, ours));
  } else if (endpoint) {
    statements.push(endpointAfterAttempt.failed(endpoint, ours, now));
    const reason = isGone(result) ? "gone" : "failing";
    const failingBefore = reason === "gone" ? null : now - DISABLE_AFTER_FAILING_MS;
    const disabling = sql`${ours} AND ${endpointAfterAttempt.disableDue(endpoint, failingBefore)}`;
    disabled = newEvent(
      endpoint.orgId,
      "webhook.disabled",
      { webhookId: endpoint.id, url: endpoint.url, reason, failingSince: iso(endpoint.failingSince ?? now) },
      now,
    );
    statements.push(
      recordEventWhere(disabled, disabling),
      endpointAfterAttempt.disable(endpoint, reason, failingBefore, ours, now),
    );
  }
  const results = await sqlBatch(db, statements);
  if ((results[0]?.meta.changes ?? 0) === 0) return; // another run recorded this attempt
  if (delayMs !== null) {
    await enqueueAttempts(queues, [{ deliveryId: delivery.id, attempt: attempt + 1, delayMs }], now);
  }
  if (disabled && (results[2]?.meta.changes ?? 0) > 0) await publishEvents(queues, db, [disabled.id]);
}

/**
 * Dead-letter handling: an attempt that kept crashing counts as a failed attempt. The delivery
 * moves on to the next attempt of the schedule (or fails after the last), so a transient outage
 * cannot cut the schedule short and a poison message cannot loop.
 */
export async function deadLetteredAttempt(queues: Queues, db: Database, message: DeliveryMessage): Promise<void> {
  const loaded = await load(db, message.deliveryId);
  if (!loaded) return;
  const { delivery } = loaded;
  if (delivery.status !== "pending" || delivery.attempt !== message.attempt - 1) return;
  const last = message.attempt >= MAX_ATTEMPTS;
  const error = "The delivery job failed repeatedly";
  const delayMs = last ? null : retryDelayMs(message.attempt, null);
  await record(
    queues,
    db,
    delivery,
    message.attempt,
    { status: last ? "failed" : "pending", error, delayMs },
    Date.now(),
  );
}

/** How long past due a pending attempt must be before the sweeper assumes its message was lost. */
export const OVERDUE_AFTER_MS = 10 * 60 * 1000;

/** Scheduled: re-queues pending attempts whose message never arrived (a bounded page per run). */
export async function requeueOverdueDeliveries(
  queues: Queues,
  db: Database,
  now: number,
  limit = 500,
): Promise<number> {
  const overdue = await findOverdueDeliveries(db, now - OVERDUE_AFTER_MS, limit);
  if (overdue.length === 0) return 0;
  await enqueueAttempts(
    queues,
    overdue.map((d) => ({ deliveryId: d.id, attempt: d.attempt + 1 })),
    now,
  );
  // Due again in a while, so a slow queue is not flooded with a copy every minute. Rows recorded
  // meanwhile (a new attempt, a longer wait) are left as they are.
  await markOverdueDeliveriesRequeued(
    db,
    overdue.map((d) => d.id),
    now - OVERDUE_AFTER_MS,
    now,
  );
  return overdue.length;
}
