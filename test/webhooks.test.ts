import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook as Verifier } from "standardwebhooks";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { expireMeetings } from "../src/cron/expire-meetings";
import { sweepEventOutbox } from "../src/cron/retention";
import { createDb } from "../src/db/client";
import { secretsKeyring } from "../src/env";
import worker from "../src/index";
import { queueProducer } from "../src/queues/producer";
import { type AttemptOptions, attemptDelivery, fanOutEvents } from "../src/services/webhook-deliveries";
import { admin, captureErrorLogs, createMeeting, createOrg, media, problem, type TestOrg } from "./helpers";

// Failed attempts log one warn line each (its shape is asserted in "delivery errors name their cause");
// the many failures the retry tests cause on purpose stay out of the test output.
beforeEach(() => {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  return () => warn.mockRestore();
});

interface Received {
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}
interface WebhookBody {
  id: string;
  url: string;
  events: string[];
  status: string;
  disabledReason: string | null;
  secret?: string;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: string;
  responseStatus: number | null;
  durationMs: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

const RECEIVER = env.TEST_RECEIVER_URL;

/** A fresh receiver path, optionally answering with `behaviour` (status, retryAfter, delayMs). */
async function hook(behaviour?: Record<string, unknown>): Promise<{ url: string; name: string }> {
  const name = crypto.randomUUID();
  if (behaviour) await setBehaviour(name, behaviour);
  return { url: `${RECEIVER}/hooks/${name}`, name };
}

async function setBehaviour(name: string, behaviour: Record<string, unknown>) {
  await fetch(`${RECEIVER}/__behaviour/${name}`, { method: "PUT", body: JSON.stringify(behaviour) });
}

async function received(name: string): Promise<Received[]> {
  return (await fetch(`${RECEIVER}/__deliveries/${name}`)).json();
}

async function createWebhook(org: TestOrg, url: string, events: string[] = ["*"]): Promise<WebhookBody> {
  const res = await org.api("/api/v1/webhooks", { method: "POST", json: { url, events } });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function deliveries(org: TestOrg, webhookId: string): Promise<Delivery[]> {
  const res = await org.api(`/api/v1/webhooks/${webhookId}/deliveries`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Delivery[] }).results;
}

/** Runs the webhooks consumer on hand-made messages, as the queue would. */
async function consume(bodies: unknown[], target = env) {
  const batch = createMessageBatch(
    "webhooks",
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch, target);
  return getQueueResult(batch, ctx);
}

async function insertEvent(orgId: string, type: string): Promise<string> {
  const id = `evt_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare(
    "INSERT INTO events (id, org_id, type, data, created_at, enqueued_at, fanned_out_at) VALUES (?, ?, ?, '{}', ?, ?, ?)",
  )
    .bind(id, orgId, type, Date.now(), Date.now(), Date.now())
    .run();
  return id;
}

/** A pending delivery written straight to D1, as if a fan-out had made it. */
async function insertDelivery(
  orgId: string,
  endpointId: string,
  eventId: string,
  { attempt, dueAt }: { attempt: number; dueAt: number },
): Promise<string> {
  const id = `dlv_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare(
    `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, round, attempt, status,
       next_attempt_at, created_at, updated_at)
     SELECT ?, ?, ?, ?, type, 0, ?, 'pending', ?, ?, ? FROM events WHERE id = ?`,
  )
    .bind(id, orgId, endpointId, eventId, attempt, dueAt, Date.now(), Date.now(), eventId)
    .run();
  return id;
}

/** A D1 binding whose updates of deliveries fail, to stand for a worker dying mid-bookkeeping. */
function refusingUpdates(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          if (/^\s*update\s+["`]?webhook_deliveries/i.test(query)) throw new Error("simulated crash");
          return target.prepare(query);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function deliveryRow(id: string) {
  return env.DB.prepare("SELECT * FROM webhook_deliveries WHERE id = ?").bind(id).first<{
    attempt: number;
    status: string;
    next_attempt_at: number | null;
  }>();
}

describe("webhook endpoints", () => {
  it("creates, lists, reads, updates and deletes, showing the secret only at creation", async () => {
    const org = await createOrg();
    const { url } = await hook();
    const created = await createWebhook(org, url, ["meeting.created", "meeting.created", "recording.finished"]);
    expect(created).toMatchObject({ url, events: ["meeting.created", "recording.finished"], status: "enabled" });
    expect(created.id).toMatch(/^whk_/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const got = (await (await org.api(`/api/v1/webhooks/${created.id}`)).json()) as WebhookBody;
    expect(got.secret).toBeUndefined();
    const list = (await (await org.api("/api/v1/webhooks")).json()) as { results: WebhookBody[] };
    expect(list.results.map((w) => w.id)).toEqual([created.id]);
    expect(list.results[0]?.secret).toBeUndefined();

    const patched = await org.api(`/api/v1/webhooks/${created.id}`, {
      method: "PATCH",
      json: { events: ["*"], description: "all of it", status: "disabled" },
    });
    expect(await patched.json()).toMatchObject({ events: ["*"], description: "all of it", status: "disabled" });

    expect((await org.api(`/api/v1/webhooks/${created.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await org.api(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await org.api(`/api/v1/webhooks/${created.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("enforces plan counts atomically: starter has none, professional three", async () => {
    const starter = await createOrg("starter");
    const refused = await starter.api("/api/v1/webhooks", {
      method: "POST",
      json: { url: "https://example.com/hook", events: ["*"] },
    });
    expect(refused.status).toBe(403);
    expect((await problem(refused)).code).toBe("plan_limit_reached");

    const pro = await createOrg("professional");
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        pro.api("/api/v1/webhooks", { method: "POST", json: { url: "https://example.com/hook", events: ["*"] } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 403)).toHaveLength(3);
  });

  it("rejects unsafe URLs and bad event filters with located 400s, on create and update", async () => {
    const org = await createOrg();
    const cases: [Record<string, unknown>, string][] = [
      [{ url: "http://example.com/hook", events: ["*"] }, "body.url"],
      [{ url: "https://user:pw@example.com/hook", events: ["*"] }, "body.url"],
      [{ url: "https://169.254.169.254/latest", events: ["*"] }, "body.url"],
      [{ url: "https://0xa000001/", events: ["*"] }, "body.url"],
      [{ url: "https://[::ffff:10.0.0.1]/", events: ["*"] }, "body.url"],
      [{ url: "https://metadata.google.internal/", events: ["*"] }, "body.url"],
      [{ url: "https://example.com/hook", events: ["meeting.exploded"] }, "body.events.0"],
      [{ url: "https://example.com/hook", events: ["*", "meeting.created"] }, "body.events"],
      [{ url: "https://example.com/hook", events: [] }, "body.events"],
      [{ url: "https://example.com/hook", events: ["*"], secret: "mine" }, "body.secret"],
      [{ url: "https://10.0.0.1/x", events: ["bogus.event"] }, "body.url"],
      [{ url: "https://10.0.0.1/x", events: ["bogus.event"] }, "body.events.0"],
    ];
    for (const [body, location] of cases) {
      const res = await org.api("/api/v1/webhooks", { method: "POST", json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const errors = (await problem(res)).errors as { location: string }[];
      expect(
        errors.map((e) => e.location),
        JSON.stringify(body),
      ).toContain(location);
    }
    const created = await createWebhook(org, "https://example.com/hook");
    const update = await org.api(`/api/v1/webhooks/${created.id}`, {
      method: "PATCH",
      json: { url: "https://10.0.0.1/hook" },
    });
    expect(update.status).toBe(400);
  });

  it("keeps endpoints of other organizations invisible", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const theirs = await createWebhook(other, "https://example.com/theirs");
    for (const [method, path] of [
      ["GET", `/api/v1/webhooks/${theirs.id}`],
      ["PATCH", `/api/v1/webhooks/${theirs.id}`],
      ["DELETE", `/api/v1/webhooks/${theirs.id}`],
      ["POST", `/api/v1/webhooks/${theirs.id}/rotate-secret`],
      ["POST", `/api/v1/webhooks/${theirs.id}/test`],
      ["GET", `/api/v1/webhooks/${theirs.id}/deliveries`],
    ] as const) {
      const res = await org.api(path, { method, ...(method === "PATCH" ? { json: { description: "x" } } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(((await (await org.api("/api/v1/webhooks")).json()) as { results: unknown[] }).results).toHaveLength(0);
  });

  it("needs the admin scope", async () => {
    const writer = await createOrg("professional", { scopes: ["read", "write"] });
    expect((await writer.api("/api/v1/webhooks")).status).toBe(403);
  });
});

describe("delivery", () => {
  it("delivers every event type to subscribers, signed so the standardwebhooks verifier accepts it", async () => {
    const org = await createOrg();
    const all = await hook();
    const onlyRecordings = await hook();
    const everything = await createWebhook(org, all.url);
    await createWebhook(org, onlyRecordings.url, ["recording.finished"]);

    const { body: meeting } = await createMeeting(org);
    await org.api(`/api/v1/meetings/${meeting.meetingId}`, { method: "DELETE" });
    await expect.poll(async () => (await received(all.name)).length, { timeout: 10_000 }).toBe(2);

    const verifier = new Verifier(everything.secret as string);
    const got = await received(all.name);
    const payloads = got.map(
      (d) => verifier.verify(d.body, d.headers) as { type: string; data: { meetingId: string } },
    );
    expect(payloads.map((p) => p.type).sort()).toEqual(["meeting.created", "meeting.deleted"]);
    for (const delivery of got) {
      expect(delivery.headers["user-agent"]).toBe("Parley-Webhooks/1");
      expect(delivery.headers["webhook-id"]).toMatch(/^evt_/);
      expect(Math.abs(Number(delivery.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.parse(delivery.body)).toEqual({
        type: expect.any(String),
        timestamp: expect.stringMatching(/Z$/),
        data: expect.objectContaining({ meetingId: meeting.meetingId }),
      });
    }
    expect(await received(onlyRecordings.name)).toHaveLength(0);

    const log = await deliveries(org, everything.id);
    expect(log).toHaveLength(2);
    for (const entry of log) {
      expect(entry).toMatchObject({ attempt: 1, status: "succeeded", responseStatus: 204, error: null });
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("delivers recording and expiry events to the endpoints subscribed to them", async () => {
    const org = await createOrg();
    const recordingsHook = await hook();
    const expiryHook = await hook();
    await createWebhook(org, recordingsHook.url, ["recording.finished", "recording.deleted"]);
    await createWebhook(org, expiryHook.url, ["meeting.expired"]);

    const uploaded = await org.api("/api/v1/recordings?filename=a.webm", {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: media(2000),
    });
    const { recordingId } = (await uploaded.json()) as { recordingId: string };
    await org.api(`/api/v1/recordings/${recordingId}`, { method: "DELETE" });

    const {
      body: { meetingId },
    } = await createMeeting(org);
    await env.DB.prepare("UPDATE meetings SET end_date = ?, expires_at = ? WHERE id = ?")
      .bind(Date.now() - 3_700_000, Date.now() - 100_000, meetingId)
      .run();
    await expireMeetings(env, Date.now());

    const types = async (name: string) => (await received(name)).map((d) => JSON.parse(d.body).type).sort();
    await expect
      .poll(() => types(recordingsHook.name), { timeout: 10_000 })
      .toEqual(["recording.deleted", "recording.finished"]);
    await expect.poll(() => types(expiryHook.name), { timeout: 10_000 }).toEqual(["meeting.expired"]);
    const expired = JSON.parse((await received(expiryHook.name))[0]?.body ?? "{}");
    expect(expired.data).toMatchObject({ meetingId });
  });

  it("chains waits longer than the queue's 12 h delay", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url, ["webhook.disabled"]);
    const eventId = await insertEvent(org.id, "webhook.disabled");
    const deliveryId = await insertDelivery(org.id, endpoint.id, eventId, { attempt: 1, dueAt: Date.now() });
    const sent: { body: unknown; delaySeconds?: number }[] = [];
    const capturingQueue = {
      sendBatch: async (messages: Iterable<{ body: unknown; delaySeconds?: number }>) => {
        sent.push(...messages);
      },
    } as unknown as Queue;
    const notBefore = Date.now() + 20 * 3_600_000;
    await consume([{ kind: "delivery.v1", deliveryId, attempt: 2, notBefore }], {
      ...env,
      WEBHOOKS_QUEUE: capturingQueue,
    });
    expect(await received(target.name)).toHaveLength(0);
    expect((await deliveryRow(deliveryId))?.attempt).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.delaySeconds).toBe(12 * 3600);
    const chained = sent[0]?.body as { kind: string; attempt: number; notBefore: number };
    expect(chained).toMatchObject({ kind: "delivery.v1", deliveryId, attempt: 2 });
    expect(Math.abs(chained.notBefore - notBefore)).toBeLessThan(1_000);

    // A Retry-After past 12 h turns into a chained wait too.
    await setBehaviour(target.name, { status: 503, retryAfter: String(20 * 3600) });
    sent.length = 0;
    await consume([{ kind: "delivery.v1", deliveryId, attempt: 2 }], { ...env, WEBHOOKS_QUEUE: capturingQueue });
    expect(await received(target.name)).toHaveLength(1);
    expect(sent[0]?.delaySeconds).toBe(12 * 3600);
    const next = sent[0]?.body as { attempt: number; notBefore: number };
    expect(next.attempt).toBe(3);
    expect(next.notBefore - Date.now()).toBeGreaterThan(19.9 * 3_600_000);
  });

  it("signs with both secrets for 24 h after a rotation", async () => {
    const org = await createOrg();
    const target = await hook();
    const created = await createWebhook(org, target.url);
    const rotated = await org.api(`/api/v1/webhooks/${created.id}/rotate-secret`, { method: "POST" });
    expect(rotated.status).toBe(200);
    const { secret, previousSecretExpiresAt } = (await rotated.json()) as {
      secret: string;
      previousSecretExpiresAt: string;
    };
    expect(secret).not.toBe(created.secret);
    expect(Date.parse(previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);

    const sent = await org.api(`/api/v1/webhooks/${created.id}/test`, { method: "POST" });
    expect(sent.status).toBe(202);
    await expect.poll(async () => (await received(target.name)).length, { timeout: 10_000 }).toBe(1);
    const [delivery] = await received(target.name);
    if (!delivery) throw new Error("no delivery");
    expect(delivery.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(new Verifier(secret).verify(delivery.body, delivery.headers)).toMatchObject({ type: "webhook.test" });
    expect(new Verifier(created.secret as string).verify(delivery.body, delivery.headers)).toBeTruthy();

    await env.DB.prepare("UPDATE webhook_endpoints SET previous_secret_expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, created.id)
      .run();
    await org.api(`/api/v1/webhooks/${created.id}/test`, { method: "POST" });
    await expect.poll(async () => (await received(target.name)).length, { timeout: 10_000 }).toBe(2);
    const later = (await received(target.name))[1];
    expect(later?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
  });

  it("sends a test event to that endpoint only, and records it in the event log", async () => {
    const org = await createOrg();
    const [a, b] = [await hook(), await hook()];
    const target = await createWebhook(org, a.url);
    await createWebhook(org, b.url);
    const sent = (await (await org.api(`/api/v1/webhooks/${target.id}/test`, { method: "POST" })).json()) as {
      eventId: string;
    };
    await expect.poll(async () => (await received(a.name)).length, { timeout: 10_000 }).toBe(1);
    const event = (await (await org.api(`/api/v1/events/${sent.eventId}`)).json()) as { type: string };
    expect(event.type).toBe("webhook.test");
    // The outbox sweeper and the fan-out leave test events alone.
    await consume([{ kind: "events.v1", eventIds: [sent.eventId] }]);
    expect(await received(b.name)).toHaveLength(0);
  });

  it("retries a failure after about 5 s with the same webhook-id, then succeeds", async () => {
    const org = await createOrg();
    const target = await hook({ status: 503 });
    const endpoint = await createWebhook(org, target.url);
    await createMeeting(org);
    await expect.poll(async () => (await received(target.name)).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await deliveries(org, endpoint.id))[0]?.status, { timeout: 5_000 }).toBe("pending");
    const [pending] = await deliveries(org, endpoint.id);
    expect(pending).toMatchObject({ attempt: 1, responseStatus: 503, error: "HTTP 503" });
    const wait = Date.parse(pending?.nextAttemptAt ?? "") - Date.now();
    expect(wait).toBeGreaterThan(3_000);
    expect(wait).toBeLessThanOrEqual(6_000);

    await setBehaviour(target.name, { status: 200 });
    await expect.poll(async () => (await received(target.name)).length, { timeout: 15_000, interval: 250 }).toBe(2);
    const [first, second] = await received(target.name);
    expect(second?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
    expect(Number(second?.receivedAt) - Number(first?.receivedAt)).toBeGreaterThanOrEqual(4_500);
    await expect
      .poll(async () => (await deliveries(org, endpoint.id))[0], { timeout: 5_000 })
      .toMatchObject({ attempt: 2, status: "succeeded", responseStatus: 200 });
  }, 30_000);

  it("walks the whole schedule, honours Retry-After, and marks the 8th failure failed", async () => {
    const org = await createOrg();
    const target = await hook({ status: 500, retryAfter: "3600" });
    const endpoint = await createWebhook(org, target.url);
    await createMeeting(org);
    await expect.poll(async () => (await deliveries(org, endpoint.id)).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await deliveries(org, endpoint.id))[0]?.attempt, { timeout: 10_000 }).toBe(1);
    const [first] = await deliveries(org, endpoint.id);
    if (!first) throw new Error("no delivery");
    // Retry-After: 3600 outweighs the 5 s step.
    expect(Date.parse(first.nextAttemptAt ?? "") - Date.now()).toBeGreaterThan(3_590_000);

    for (let attempt = 2; attempt <= 8; attempt++) {
      await consume([{ kind: "delivery.v1", deliveryId: first.id, attempt }]);
      const row = await deliveryRow(first.id);
      expect(row?.attempt).toBe(attempt);
      expect(row?.status).toBe(attempt < 8 ? "pending" : "failed");
    }
    const [last] = await deliveries(org, endpoint.id);
    expect(last).toMatchObject({ attempt: 8, status: "failed", responseStatus: 500, nextAttemptAt: null });
    expect(await received(target.name)).toHaveLength(8);
    expect(new Set((await received(target.name)).map((d) => d.headers["webhook-id"])).size).toBe(1);

    // Exhausted, but not lost: redeliver sends it again as a new delivery.
    await setBehaviour(target.name, { status: 200 });
    const eventId = first.eventId;
    const again = await org.api(`/api/v1/events/${eventId}/redeliver`, { method: "POST" });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(1);
    await expect.poll(async () => (await received(target.name)).length, { timeout: 10_000 }).toBe(9);
    await expect
      .poll(async () => (await deliveries(org, endpoint.id)).map((d) => d.status).sort(), { timeout: 5_000 })
      .toEqual(["failed", "succeeded"]);
  });

  it("ignores a duplicate or stale attempt message", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url);
    await createMeeting(org);
    await expect
      .poll(async () => (await deliveries(org, endpoint.id))[0]?.status, { timeout: 10_000 })
      .toBe("succeeded");
    const [done] = await deliveries(org, endpoint.id);
    const result = await consume([
      { kind: "delivery.v1", deliveryId: done?.id, attempt: 1 },
      { kind: "delivery.v1", deliveryId: done?.id, attempt: 2 },
    ]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(await received(target.name)).toHaveLength(1);
  });

  it("disables an endpoint that answers 410 at once and tells the other endpoints", async () => {
    const org = await createOrg();
    const gone = await hook({ status: 410 });
    const watcher = await hook();
    const goneEndpoint = await createWebhook(org, gone.url, ["meeting.created"]);
    await createWebhook(org, watcher.url, ["webhook.disabled"]);
    await createMeeting(org);
    await expect
      .poll(async () => ((await (await org.api(`/api/v1/webhooks/${goneEndpoint.id}`)).json()) as WebhookBody).status, {
        timeout: 10_000,
      })
      .toBe("disabled");
    const disabled = (await (await org.api(`/api/v1/webhooks/${goneEndpoint.id}`)).json()) as WebhookBody;
    expect(disabled.disabledReason).toBe("gone");
    expect((await deliveries(org, goneEndpoint.id))[0]).toMatchObject({ status: "failed", responseStatus: 410 });
    await expect.poll(async () => (await received(watcher.name)).length, { timeout: 10_000 }).toBe(1);
    const notice = JSON.parse((await received(watcher.name))[0]?.body ?? "{}");
    expect(notice).toMatchObject({ type: "webhook.disabled", data: { webhookId: goneEndpoint.id, reason: "gone" } });

    // A disabled endpoint receives nothing more; re-enabling starts afresh.
    await createMeeting(org);
    const events = (await (await org.api("/api/v1/events?type=meeting.created")).json()) as {
      results: { id: string }[];
    };
    const second = events.results[0]?.id;
    await expect
      .poll(
        async () =>
          (
            await env.DB.prepare("SELECT fanned_out_at AS f FROM events WHERE id = ?")
              .bind(second)
              .first<{ f: number }>()
          )?.f,
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    expect(await received(gone.name)).toHaveLength(1);
    const enabled = await org.api(`/api/v1/webhooks/${goneEndpoint.id}`, {
      method: "PATCH",
      json: { status: "enabled" },
    });
    expect(await enabled.json()).toMatchObject({ status: "enabled", disabledReason: null });
  }, 20_000);

  it("disables an endpoint after 5 days of continuous failure, emitting webhook.disabled", async () => {
    const org = await createOrg();
    const failing = await hook({ status: 500 });
    const endpoint = await createWebhook(org, failing.url, ["meeting.created"]);
    await env.DB.prepare("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?")
      .bind(Date.now() - 5 * 86_400_000 - 1_000, endpoint.id)
      .run();
    await createMeeting(org);
    await expect
      .poll(async () => ((await (await org.api(`/api/v1/webhooks/${endpoint.id}`)).json()) as WebhookBody).status, {
        timeout: 10_000,
      })
      .toBe("disabled");
    const events = (await (await org.api("/api/v1/events?type=webhook.disabled")).json()) as {
      results: { data: Record<string, unknown> }[];
    };
    expect(events.results).toHaveLength(1);
    expect(events.results[0]?.data).toMatchObject({ webhookId: endpoint.id, reason: "failing" });
  });

  it("clears the failing streak on any success", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url);
    await env.DB.prepare("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?")
      .bind(Date.now() - 4 * 86_400_000, endpoint.id)
      .run();
    await createMeeting(org);
    await expect
      .poll(
        async () =>
          (
            await env.DB.prepare("SELECT failing_since AS f FROM webhook_endpoints WHERE id = ?")
              .bind(endpoint.id)
              .first<{ f: number | null }>()
          )?.f,
        { timeout: 10_000 },
      )
      .toBeNull();
  });

  it("does not follow redirects", async () => {
    const org = await createOrg();
    const target = await hook({ status: 302, location: "http://127.0.0.1:1/elsewhere" });
    const endpoint = await createWebhook(org, target.url);
    await createMeeting(org);
    await expect.poll(async () => (await deliveries(org, endpoint.id))[0]?.attempt, { timeout: 10_000 }).toBe(1);
    expect((await deliveries(org, endpoint.id))[0]).toMatchObject({
      status: "pending",
      responseStatus: 302,
      error: "HTTP 302 (redirects are not followed)",
    });
  });

  it("re-checks the URL at delivery time", async () => {
    const org = await createOrg();
    const endpoint = await createWebhook(org, (await hook()).url);
    await env.DB.prepare("UPDATE webhook_endpoints SET url = 'https://10.0.0.7/hook' WHERE id = ?")
      .bind(endpoint.id)
      .run();
    await createMeeting(org);
    await expect.poll(async () => (await deliveries(org, endpoint.id))[0]?.attempt, { timeout: 10_000 }).toBe(1);
    expect((await deliveries(org, endpoint.id))[0]?.error).toMatch(/^URL not allowed/);
  });
});

describe("nothing lost", () => {
  it("fans out again after a crash without duplicating deliveries", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url);
    const eventId = await insertEvent(org.id, "meeting.created");
    const db = createDb(env.DB);
    // The consumer died after the fan-out, before any attempt and before its ack: the queue runs
    // the message again, and the deliveries made the first time come back for their attempts.
    const first = await fanOutEvents(db, [eventId]);
    expect(first).toHaveLength(1);
    await consume([{ kind: "events.v1", eventIds: [eventId] }]);
    await expect.poll(async () => (await received(target.name)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await expect
      .poll(async () => (await deliveries(org, endpoint.id))[0]?.status, { timeout: 10_000 })
      .toBe("succeeded");
    expect(await deliveries(org, endpoint.id)).toHaveLength(1);
  });

  it("re-sends a delivery whose bookkeeping crashed: a duplicate, never a loss", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url, ["webhook.disabled"]);
    const eventId = await insertEvent(org.id, "webhook.disabled");
    const deliveryId = await insertDelivery(org.id, endpoint.id, eventId, { attempt: 0, dueAt: Date.now() });
    // D1 refuses every write after the HTTP request went out: the worker "dies" mid-bookkeeping.
    const failingDb = refusingUpdates(env.DB);
    const errorLogs = captureErrorLogs();
    const crashed = await consume([{ kind: "delivery.v1", deliveryId, attempt: 1 }], { ...env, DB: failingDb });
    expect(crashed.retryMessages).toHaveLength(1);
    expect(errorLogs()).toEqual([
      { level: "error", queue: "webhooks", kind: "delivery.v1", deliveryId, error: "Error: simulated crash" },
    ]);
    expect(await received(target.name)).toHaveLength(1);
    expect((await deliveryRow(deliveryId))?.attempt).toBe(0);

    // The queue runs the message again: the receiver sees the same webhook-id twice, and it is recorded.
    const retried = await consume([{ kind: "delivery.v1", deliveryId, attempt: 1 }]);
    expect(retried.explicitAcks).toHaveLength(1);
    const got = await received(target.name);
    expect(got).toHaveLength(2);
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);
    expect(await deliveryRow(deliveryId)).toMatchObject({ attempt: 1, status: "succeeded" });
  });

  it("queues a first attempt made inside the fan-out whose bookkeeping crashed", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url);
    const eventId = await insertEvent(org.id, "meeting.created");
    const errorLogs = captureErrorLogs();
    const result = await consume([{ kind: "events.v1", eventIds: [eventId] }], { ...env, DB: refusingUpdates(env.DB) });
    expect(result.explicitAcks).toHaveLength(1);
    expect(errorLogs()).toEqual([
      expect.objectContaining({ queue: "webhooks", kind: "delivery.v1", error: "Error: simulated crash" }),
    ]);
    expect(await received(target.name)).toHaveLength(1);
    // The attempt went back on the queue (5 s later) and is made and recorded again.
    await expect.poll(async () => (await received(target.name)).length, { timeout: 15_000 }).toBe(2);
    await expect
      .poll(async () => (await deliveries(org, endpoint.id))[0], { timeout: 5_000 })
      .toMatchObject({ attempt: 1, status: "succeeded" });
  }, 30_000);

  it("counts a dead-lettered attempt as failed and moves on; dead-lettered fan-outs go back through the outbox", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url, ["webhook.disabled"]);
    const eventId = await insertEvent(org.id, "webhook.disabled");
    const deliveryId = await insertDelivery(org.id, endpoint.id, eventId, { attempt: 2, dueAt: Date.now() });
    const lastOne = await insertDelivery(org.id, endpoint.id, await insertEvent(org.id, "webhook.disabled"), {
      attempt: 7,
      dueAt: Date.now(),
    });
    const stranded = await insertEvent(org.id, "webhook.disabled");
    await env.DB.prepare("UPDATE events SET fanned_out_at = NULL, created_at = ?, enqueued_at = ? WHERE id = ?")
      .bind(Date.now() - 3_600_000, Date.now() - 3_600_000, stranded)
      .run();
    const batch = createMessageBatch("webhooks-dlq", [
      { id: "d1", timestamp: new Date(), attempts: 11, body: { kind: "delivery.v1", deliveryId, attempt: 3 } },
      { id: "d2", timestamp: new Date(), attempts: 11, body: { kind: "delivery.v1", deliveryId: lastOne, attempt: 8 } },
      { id: "d3", timestamp: new Date(), attempts: 11, body: { kind: "events.v1", eventIds: [stranded] } },
    ]);
    const ctx = createExecutionContext();
    const errorLogs = captureErrorLogs();
    await worker.queue(batch as MessageBatch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(["d1", "d2", "d3"]);
    expect(errorLogs()).toEqual([
      {
        level: "error",
        queue: "webhooks-dlq",
        kind: "events.v1",
        problem: "fan-out failed repeatedly; the outbox sweeper retries it",
      },
    ]);
    const moved = await deliveryRow(deliveryId);
    expect(moved).toMatchObject({ attempt: 3, status: "pending" });
    expect(Number(moved?.next_attempt_at) - Date.now()).toBeGreaterThan(29 * 60_000); // the 30-minute step
    expect(await deliveryRow(lastOne)).toMatchObject({ attempt: 8, status: "failed" });

    // The stranded fan-out is published again by the outbox sweeper and reaches the endpoint.
    expect(await sweepEventOutbox(env, Date.now())).toBeGreaterThanOrEqual(1);
    await expect
      .poll(async () => (await received(target.name)).map((d) => d.headers["webhook-id"]), { timeout: 10_000 })
      .toContain(stranded);
  });

  it("re-queues attempts whose message was lost", async () => {
    const { sweepOverdueDeliveries } = await import("../src/cron/retention");
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url, ["webhook.disabled"]);
    const eventId = await insertEvent(org.id, "webhook.disabled");
    await insertDelivery(org.id, endpoint.id, eventId, { attempt: 0, dueAt: Date.now() - 3_600_000 });
    expect(await sweepOverdueDeliveries(env, Date.now())).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await received(target.name)).length, { timeout: 10_000 }).toBe(1);
  });
});

describe("redelivery", () => {
  it("needs the admin scope, like the rest of webhooks", async () => {
    const writer = await createOrg("professional", { scopes: ["read", "write"] });
    await createMeeting(writer);
    const eventId = ((await (await writer.api("/api/v1/events")).json()) as { results: { id: string }[] }).results[0]
      ?.id;
    const refused = await writer.api(`/api/v1/events/${eventId}/redeliver`, { method: "POST" });
    expect(refused.status).toBe(403);
    expect((await problem(refused)).detail).toContain("`admin`");
    const adminOnly = await createOrg("professional", { scopes: ["admin"] });
    expect((await adminOnly.api("/api/v1/events/evt_nope/redeliver", { method: "POST" })).status).toBe(404);
  });

  it("404s unknown and other organizations' events, 409s a disabled target", async () => {
    const org = await createOrg();
    const other = await createOrg();
    await createMeeting(other);
    const theirEvent = ((await (await other.api("/api/v1/events")).json()) as { results: { id: string }[] }).results[0]
      ?.id;
    expect((await org.api(`/api/v1/events/${theirEvent}/redeliver`, { method: "POST" })).status).toBe(404);
    expect((await org.api("/api/v1/events/evt_nope/redeliver", { method: "POST" })).status).toBe(404);

    await createMeeting(org);
    const mine = ((await (await org.api("/api/v1/events")).json()) as { results: { id: string }[] }).results[0]?.id;
    const endpoint = await createWebhook(org, (await hook()).url);
    await org.api(`/api/v1/webhooks/${endpoint.id}`, { method: "PATCH", json: { status: "disabled" } });
    const refused = await org.api(`/api/v1/events/${mine}/redeliver`, {
      method: "POST",
      json: { webhookId: endpoint.id },
    });
    expect(refused.status).toBe(409);
    const theirEndpoint = await createWebhook(other, (await hook()).url);
    const foreign = await org.api(`/api/v1/events/${mine}/redeliver`, {
      method: "POST",
      json: { webhookId: theirEndpoint.id },
    });
    expect(foreign.status).toBe(404);
    const none = await org.api(`/api/v1/events/${mine}/redeliver`, { method: "POST" });
    expect(await none.json()).toMatchObject({ eventId: mine, deliveries: [] });
  });

  it("can target one endpoint that does not subscribe to the type", async () => {
    const org = await createOrg();
    const target = await hook();
    const endpoint = await createWebhook(org, target.url, ["recording.finished"]);
    await createMeeting(org);
    const eventId = ((await (await org.api("/api/v1/events")).json()) as { results: { id: string }[] }).results[0]?.id;
    const res = await org.api(`/api/v1/events/${eventId}/redeliver`, {
      method: "POST",
      json: { webhookId: endpoint.id },
    });
    expect(res.status).toBe(202);
    await expect.poll(async () => (await received(target.name)).length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse((await received(target.name))[0]?.body ?? "{}").type).toBe("meeting.created");
  });
});

describe("operator changes", () => {
  it("lets an operator raise the endpoint limit", async () => {
    const org = await createOrg("starter");
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { limits: { webhookEndpoints: 1 } } });
    expect(
      (await org.api("/api/v1/webhooks", { method: "POST", json: { url: "https://example.com/a", events: ["*"] } }))
        .status,
    ).toBe(201);
  });
});

describe("delivery errors name their cause", () => {
  /** One first attempt of a fresh delivery to `url`, made here; the delivery as the log shows it. */
  async function attemptTo(url: string, options: Partial<AttemptOptions> = {}) {
    const org = await createOrg();
    const endpoint = await createWebhook(org, url);
    const eventId = await insertEvent(org.id, "meeting.created");
    const deliveryId = await insertDelivery(org.id, endpoint.id, eventId, { attempt: 0, dueAt: Date.now() });
    await attemptDelivery(
      queueProducer(env),
      createDb(env.DB),
      { kind: "delivery.v1", deliveryId, attempt: 1 },
      Date.now(),
      {
        keyring: await secretsKeyring(env),
        allowInsecure: true,
        ...options,
      },
    );
    return (await deliveries(org, endpoint.id)).find((d) => d.id === deliveryId);
  }

  it("a closed port is a refused connection, logged as one structured line", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const delivery = await attemptTo("http://127.0.0.1:1/hook");
      expect(delivery).toMatchObject({
        attempt: 1,
        status: "pending",
        responseStatus: null,
        error: "Connection refused: nothing accepts connections on 127.0.0.1:1",
      });
      // Retries of other tests' deliveries may log meanwhile; only this delivery's lines count.
      const mine = (calls: unknown[][]) =>
        calls.map(([line]) => String(line)).filter((l) => l.includes(delivery?.id ?? "?"));
      expect(mine(warn.mock.calls).map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({ level: "warn", failure: "connection_refused", host: "127.0.0.1:1", attempt: 1 }),
      ]);
      expect(mine(error.mock.calls)).toEqual([]);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it("a name that does not resolve is a DNS failure", async () => {
    const delivery = await attemptTo("https://parley-receiver.invalid/hook");
    expect(delivery?.error).toBe("DNS lookup failed: parley-receiver.invalid does not resolve to an address");
  });

  it("a receiver that never answers times out (the budget is injectable)", async () => {
    const target = await hook({ delayMs: 3_000 });
    const delivery = await attemptTo(target.url, { timeoutMs: 300 });
    expect(delivery?.error).toBe("Timeout: no response within 0.3 s");
    expect(delivery?.durationMs).toBeGreaterThanOrEqual(250);
  });

  it("https to a server that speaks plain http is a TLS failure", async () => {
    const { host } = new URL(RECEIVER);
    const delivery = await attemptTo(`https://${host}/hooks/${crypto.randomUUID()}`);
    expect(delivery?.error).toBe(`TLS handshake with ${host} failed: is it serving HTTPS with a valid certificate?`);
  });

  it("Cloudflare's origin errors are spelled out", async () => {
    const target = await hook({ status: 530 });
    const delivery = await attemptTo(target.url);
    expect(delivery).toMatchObject({
      responseStatus: 530,
      error: expect.stringMatching(/^HTTP 530 \(Cloudflare: .*DNS/),
    });
  });
});
