#!/usr/bin/env node
// Webhook delivery through the `webhooks` queue consumer, end to end against a local worker (wrangler dev with
// ALLOW_INSECURE_WEBHOOKS, so http://127.0.0.1 endpoints are accepted) and a real local HTTP receiver
// (scripts/webhook-receiver.mjs). Two scenarios:
//   fan-out     50 endpoints (one receiver name each), then 1 meeting created → 50 deliveries;
//   throughput  those endpoints deleted, 1 endpoint, then BENCH_WEBHOOK_EVENTS meetings (default 2,000) created
//               BENCH_WEBHOOK_CONCURRENCY at a time (default 25) → one delivery per meeting.
// Each scenario is timed from its first event-producing call (POST /api/v1/meetings; creating the endpoints is
// setup and reported apart) to the last delivery received. Latency is per delivery: the receiver's clock at
// arrival minus the event's `timestamp` (its creation time in the worker, same machine). Only the first arrival
// of each (endpoint, event) pair counts for latency and throughput; repeats are reported as duplicates.
// "Nothing lost": every endpoint must receive exactly the expected set of `webhook-id`s (no event missing, none
// unexpected), every signature must verify with the standardwebhooks package, and the delivery log
// (GET /api/v1/webhooks/{id}/deliveries) must show every delivery succeeded. Fails if anything is missing after
// BENCH_WEBHOOK_TIMEOUT_S (default 120). Error lines in the wrangler log are counted and shown.
//
// Env: BENCH_WEBHOOK_EVENTS (default 2000), BENCH_WEBHOOK_ENDPOINTS (fan-out, default 50),
//      BENCH_WEBHOOK_CONCURRENCY (default 25), BENCH_WEBHOOK_TIMEOUT_S (default 120),
//      BENCH_WEBHOOK_SETTLE_MS (wait for late duplicates after the last expected delivery, default 3000).
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { startReceiver } from "../scripts/webhook-receiver.mjs";
import {
  call,
  createBenchOrganization,
  envInt,
  progress,
  runBench,
  startLocalWorker,
  wranglerVersion,
} from "./local-worker.mjs";

const POINTS_PER_MINUTE = 100_000_000;
const EVENTS = envInt("BENCH_WEBHOOK_EVENTS", 2000, 1);
const FANOUT_ENDPOINTS = envInt("BENCH_WEBHOOK_ENDPOINTS", 50, 1);
const CONCURRENCY = envInt("BENCH_WEBHOOK_CONCURRENCY", 25, 1);
const TIMEOUT_MS = envInt("BENCH_WEBHOOK_TIMEOUT_S", 120, 1) * 1000;
const SETTLE_MS = envInt("BENCH_WEBHOOK_SETTLE_MS", 3000, 0);

/** Every delivery the receiver got, by receiver name, plus waiters woken on each arrival. */
const arrivals = new Map();
let wake = () => {};

function onDelivery(name, { headers, body, receivedAt }) {
  if (!arrivals.has(name)) arrivals.set(name, []);
  arrivals.get(name).push({ headers, body, receivedAt });
  wake();
}

/** Resolves once `done()` holds, checked on every arrival and every second; throws after `timeoutMs`. */
async function waitUntil(done, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  while (!done()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs / 1000} s: ${describe()}`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.min(1000, left));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = () => {};
    if (Date.now() - lastReport >= 5000) {
      progress(`  waiting: ${describe()}`);
      lastReport = Date.now();
    }
  }
}

/** Runs `work` over `items`, at most `size` at a time. */
async function inPool(items, size, work) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(lanes);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function createEndpoints(base, key, names, receiverUrl) {
  const endpoints = new Array(names.length);
  await inPool(names, 10, async (name, i) => {
    const created = await call(
      base,
      "POST",
      "/api/v1/webhooks",
      key,
      { url: `${receiverUrl}/hooks/${name}`, events: ["*"] },
      201,
    );
    endpoints[i] = { name, id: created.id, secret: created.secret };
  });
  return endpoints;
}

/** Creates `count` meetings, `CONCURRENCY` at a time; returns their ids. */
async function createMeetings(base, key, count) {
  const endDate = new Date(Date.now() + 3_600_000).toISOString();
  const ids = new Array(count);
  let done = 0;
  await inPool(ids, CONCURRENCY, async (_, i) => {
    const meeting = await call(base, "POST", "/api/v1/meetings", key, { endDate }, 201);
    if (typeof meeting?.meetingId !== "string")
      throw new Error(`POST /api/v1/meetings gave no meetingId: ${JSON.stringify(meeting)}`);
    ids[i] = meeting.meetingId;
    done++;
    if (count >= 500 && done % 500 === 0) progress(`  ${done}/${count} meetings created`);
  });
  return ids;
}

/** Every delivery log entry of an endpoint, all pages. */
async function deliveryLog(base, key, endpointId) {
  const entries = [];
  let cursor;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await call(base, "GET", `/api/v1/webhooks/${endpointId}/deliveries?${query}`, key, null, 200);
    entries.push(...page.results);
    cursor = page.cursor;
  } while (cursor);
  return entries;
}

/**
 * One scenario: `endpoints` already exist; `produce()` makes the events and returns their meeting ids. Each
 * endpoint must then receive one `meeting.created` per meeting.
 */
async function runScenario(worker, key, label, endpoints, setupSeconds, produce) {
  const { base } = worker;
  for (const { name } of endpoints) arrivals.delete(name);
  const names = new Set(endpoints.map((e) => e.name));
  let firstArrivals = 0;
  let lastArrivalAt = 0;
  const seen = new Map(endpoints.map((e) => [e.name, { ids: new Set(), scanned: 0 }]));
  // Counts distinct webhook-ids as they come so the wait stays cheap; the full checks happen after.
  const countNew = () => {
    for (const name of names) {
      const list = arrivals.get(name) ?? [];
      const state = seen.get(name);
      for (const delivery of list.slice(state.scanned)) {
        const id = delivery.headers["webhook-id"];
        if (!state.ids.has(id)) {
          state.ids.add(id);
          firstArrivals++;
          lastArrivalAt = Math.max(lastArrivalAt, delivery.receivedAt);
        }
      }
      state.scanned = list.length;
    }
    return firstArrivals;
  };

  progress(`${label}: creating events`);
  const started = Date.now();
  const meetingIds = await produce();
  const producedMs = Date.now() - started;
  const expected = meetingIds.length * endpoints.length;
  progress(
    `${label}: ${meetingIds.length} meetings created in ${(producedMs / 1000).toFixed(1)} s; awaiting ${expected}`,
  );
  let timedOut = null;
  try {
    await waitUntil(
      () => countNew() >= expected,
      TIMEOUT_MS,
      () => `${firstArrivals}/${expected} deliveries received`,
    );
  } catch (error) {
    timedOut = error.message;
  }
  if (SETTLE_MS > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  countNew();

  // Exactly the expected set per endpoint, duplicates apart, every signature verified.
  const expectedMeetings = new Set(meetingIds);
  const problems = [];
  const latencies = [];
  let duplicates = 0;
  let unexpected = 0;
  let badSignatures = 0;
  let received = 0;
  let short = 0;
  for (const endpoint of endpoints) {
    const verifier = new Webhook(endpoint.secret);
    const firstById = new Map();
    const meetingsSeen = new Set();
    for (const delivery of arrivals.get(endpoint.name) ?? []) {
      try {
        verifier.verify(delivery.body, delivery.headers);
      } catch (error) {
        badSignatures++;
        if (badSignatures <= 5) problems.push(`${endpoint.name}: signature did not verify (${error.message})`);
      }
      const id = delivery.headers["webhook-id"];
      if (firstById.has(id)) {
        duplicates++;
        continue;
      }
      firstById.set(id, delivery);
      const body = JSON.parse(delivery.body);
      const meetingId = body.data?.meetingId;
      if (body.type !== "meeting.created" || !expectedMeetings.has(meetingId) || meetingsSeen.has(meetingId)) {
        unexpected++;
        if (unexpected <= 5) problems.push(`${endpoint.name}: unexpected event ${id} (${body.type} ${meetingId})`);
        continue;
      }
      meetingsSeen.add(meetingId);
      received++;
      latencies.push(delivery.receivedAt - Date.parse(body.timestamp));
    }
    const missing = expectedMeetings.size - meetingsSeen.size;
    if (missing > 0 && ++short <= 5) {
      problems.push(`${endpoint.name}: ${missing} of ${expectedMeetings.size} events never arrived`);
    }
  }
  if (short > 5) problems.push(`… ${short} of ${endpoints.length} endpoints are missing events`);
  if (badSignatures > 5) problems.push(`… ${badSignatures} signatures in all did not verify`);
  if (unexpected > 5) problems.push(`… ${unexpected} unexpected events in all`);
  if (timedOut) problems.push(timedOut);

  // The product's own record must agree: one delivery per (endpoint, event), all succeeded. An attempt is
  // recorded just after the receiver answers, so the log may trail the receiver by a moment.
  let statuses = {};
  let attempts = {};
  let logged = 0;
  const logDeadline = Date.now() + 10_000;
  do {
    if (logged > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    statuses = {};
    attempts = {};
    logged = 0;
    for (const endpoint of endpoints) {
      for (const entry of await deliveryLog(base, key, endpoint.id)) {
        logged++;
        statuses[entry.status] = (statuses[entry.status] ?? 0) + 1;
        attempts[entry.attempt] = (attempts[entry.attempt] ?? 0) + 1;
      }
    }
  } while ((statuses.succeeded ?? 0) < expected && (statuses.pending ?? 0) > 0 && Date.now() < logDeadline);
  if (logged !== expected || statuses.succeeded !== expected) {
    problems.push(`delivery log: ${logged} entries for ${expected} expected, statuses ${JSON.stringify(statuses)}`);
  }

  latencies.sort((a, b) => a - b);
  const seconds = ((lastArrivalAt || Date.now()) - started) / 1000;
  return {
    label,
    events: meetingIds.length,
    endpoints: endpoints.length,
    expected,
    received,
    duplicates,
    unexpected,
    seconds,
    setupSeconds,
    producedSeconds: producedMs / 1000,
    perSecond: received / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    statuses,
    attempts,
    problems,
  };
}

// Miniflare fetches the `Request.cf` placeholder from workers.cloudflare.com at start; without internet access
// that fails harmlessly (it falls back to a default), so it is not counted as a worker error.
const HARMLESS = /workers\.cloudflare\.com|Request\.cf/;

/** Error lines in the wrangler log (console.error, uncaught), read before its directory is removed. */
function wranglerErrors(logFile) {
  let text = "";
  try {
    text = readFileSync(logFile, "utf8");
  } catch {
    return { errors: [], ignored: 0 };
  }
  const lines = text.split("\n").filter((line) => /"level":"error"|\berror\b|✘|Uncaught/i.test(line));
  const errors = lines.filter((line) => !HARMLESS.test(line));
  return { errors, ignored: lines.length - errors.length };
}

async function main() {
  const receiver = await startReceiver({ port: 0, onDelivery });
  progress(`receiver listening on ${receiver.url}`);
  const worker = await startLocalWorker({ extraArgs: ["--var", "ALLOW_INSECURE_WEBHOOKS:true"] });
  const results = [];
  let log = { errors: [], ignored: 0 };
  try {
    const { base, adminToken } = worker;
    const { orgId, key } = await createBenchOrganization(worker, POINTS_PER_MINUTE);
    // createBenchOrganization makes an enterprise organization (unlimited endpoints); make sure of it.
    const org = await call(base, "GET", `/admin/v1/organizations/${orgId}`, adminToken, null, 200);
    if (org.limits?.webhookEndpoints !== null) {
      progress(`plan ${org.plan} allows ${org.limits?.webhookEndpoints} endpoints: lifting the limit`);
      await call(
        base,
        "PATCH",
        `/admin/v1/organizations/${orgId}`,
        adminToken,
        { limits: { webhookEndpoints: null } },
        200,
      );
    }

    progress(`fan-out: creating ${FANOUT_ENDPOINTS} endpoints`);
    let t0 = Date.now();
    const fanout = await createEndpoints(
      base,
      key,
      Array.from({ length: FANOUT_ENDPOINTS }, (_, i) => `fanout-${String(i + 1).padStart(3, "0")}`),
      receiver.url,
    );
    results.push(
      await runScenario(worker, key, "fan-out", fanout, (Date.now() - t0) / 1000, () => createMeetings(base, key, 1)),
    );

    progress("throughput: deleting the fan-out endpoints, creating 1 endpoint");
    t0 = Date.now();
    await inPool(fanout, 10, (endpoint) => call(base, "DELETE", `/api/v1/webhooks/${endpoint.id}`, key, null, 204));
    const single = await createEndpoints(base, key, ["throughput"], receiver.url);
    const setupSeconds = (Date.now() - t0) / 1000;
    results.push(
      await runScenario(worker, key, "throughput", single, setupSeconds, () => createMeetings(base, key, EVENTS)),
    );
  } finally {
    log = wranglerErrors(worker.wrangler.logFile);
    await worker.stop();
    await receiver.close();
  }

  const ms = (value) => (Number.isNaN(value) ? "–" : value.toFixed(0));
  console.log(
    `\nParley webhooks bench — wrangler ${wranglerVersion()} (local workerd, local queue), receiver on 127.0.0.1\n`,
  );
  console.log(
    "| scenario | events | endpoints | deliveries expected | received | duplicates | seconds | deliveries/s | p50 ms | p95 ms | p99 ms | max ms |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.events} | ${r.endpoints} | ${r.expected} | ${r.received} | ${r.duplicates} | ` +
        `${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} |`,
    );
  }
  console.log(
    "\nSeconds: first POST /api/v1/meetings to the last delivery received; latency: arrival − event timestamp.",
  );
  for (const r of results) {
    console.log(
      `${r.label}: endpoint setup ${r.setupSeconds.toFixed(1)} s (not timed); ` +
        `meetings created in ${r.producedSeconds.toFixed(1)} s; delivery log statuses ${JSON.stringify(r.statuses)}, ` +
        `attempts ${JSON.stringify(r.attempts)}; unexpected events ${r.unexpected}.`,
    );
  }
  const ignored = log.ignored > 0 ? ` (${log.ignored} about fetching Request.cf offline ignored)` : "";
  if (log.errors.length > 0) {
    console.log(`\nwrangler log: ${log.errors.length} error line(s)${ignored}, first ones:`);
    for (const line of log.errors.slice(0, 10)) console.log(`  ${line.slice(0, 300)}`);
  } else {
    console.log(`\nwrangler log: no error lines${ignored}.`);
  }
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.label}: ${p}`));
  if (problems.length > 0) {
    console.log("\nFAILED — deliveries not as expected:");
    for (const p of problems) console.log(`  - ${p}`);
    process.exitCode = 1;
  } else {
    console.log("\nNothing lost: every endpoint received every event, every signature verified.");
  }
}

await runBench(main);
