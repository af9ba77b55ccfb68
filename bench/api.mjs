#!/usr/bin/env node
// `npm run bench`: throughput and latency of an authenticated route against the bare /health route, in one run.
// Starts its own `wrangler dev` on a free port with a throw-away --persist-to directory (never the developer's
// .wrangler/state) and its own random secrets, creates an enterprise organization with a raised point budget
// and an API key, then alternates autocannon phases: /health, /api/v1/organization and a reference route that
// makes one org Durable Object RPC and nothing else (bench/reference-worker.ts, the Worker this bench runs),
// repeated BENCH_ROUNDS times. Prints a markdown table and the throughput ratios: authenticated/bare, the
// reference/bare (the floor the Durable Object hop sets) and authenticated/reference (what the rest costs), and
// each route's workerd CPU per request (the runtime process, Durable Object included; /proc deltas over each
// phase), which a busy shared machine disturbs far less than throughput. Wrangler's whole process group is
// stopped at the end, on error and on Ctrl+C.
//
// Env: BENCH_SECONDS (per phase, default 10), BENCH_CONNECTIONS (default 20), BENCH_ROUNDS (default 2),
//      BENCH_WARMUP_SECONDS (per route before measuring, default 2).
import {
  call,
  createBenchOrganization,
  envInt,
  progress,
  runBench,
  startLocalWorker,
  wranglerVersion,
} from "./local-worker.mjs";
import { runtimePid } from "./memory.mjs";
import { load as loadPhase, markdownTable, stopActivePhase, summarize } from "./phases.mjs";

const POINTS_PER_MINUTE = 100_000_000;
const SECONDS = envInt("BENCH_SECONDS", 10, 1);
const CONNECTIONS = envInt("BENCH_CONNECTIONS", 20, 1);
const ROUNDS = envInt("BENCH_ROUNDS", 2, 1);
const WARMUP_SECONDS = envInt("BENCH_WARMUP_SECONDS", 2, 0);

const load = (title, url, headers, seconds, cpuPids = []) =>
  loadPhase(title, { url, headers }, { seconds, connections: CONNECTIONS, cpuPids });

async function main() {
  const worker = await startLocalWorker({ extraArgs: ["bench/reference-worker.ts"] });
  const base = worker.base;
  try {
    const { orgId, key } = await createBenchOrganization(worker, POINTS_PER_MINUTE);
    const self = await call(base, "GET", "/api/v1/organization", key, undefined, 200);
    if (self.id !== orgId) throw new Error(`GET /api/v1/organization returned ${self.id}, expected ${orgId}`);
    const gate = await call(base, "GET", `/__bench/gate-rpc?org=${orgId}`, undefined, undefined, 200);
    if (gate.status !== self.status) throw new Error(`the reference route answered ${JSON.stringify(gate)}`);
    const routes = [
      { label: "GET /health", url: `${base}/health`, headers: {} },
      {
        label: "GET /api/v1/organization",
        url: `${base}/api/v1/organization`,
        headers: { authorization: `Bearer ${key}` },
      },
      { label: "GET one org DO RPC (reference)", url: `${base}/__bench/gate-rpc?org=${orgId}`, headers: {} },
    ];

    if (WARMUP_SECONDS > 0) {
      for (const route of routes) {
        await load(`warm-up ${route.label} ${WARMUP_SECONDS} s`, route.url, route.headers, WARMUP_SECONDS);
      }
    }
    const runtime = [runtimePid(worker)];
    const phases = new Map(routes.map((route) => [route.label, []]));
    const rows = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const route of routes) {
        const title = `round ${round}/${ROUNDS}: ${route.label} for ${SECONDS} s, ${CONNECTIONS} connections`;
        const phase = await load(title, route.url, route.headers, SECONDS, runtime);
        phases.get(route.label).push(phase);
        rows.push(summarize(route.label, String(round), [phase]));
      }
    }
    const totals = routes.map((route) => summarize(route.label, "all", phases.get(route.label)));
    rows.push(...totals);

    const [bare, authenticated, reference] = totals;
    const ratio = authenticated.rps / bare.rps;
    console.log(
      `\nParley API bench — wrangler ${wranglerVersion()} (local workerd), Node ${process.version}, ` +
        `${CONNECTIONS} connections, ${SECONDS} s per phase, ${ROUNDS} rounds, alternating routes\n`,
    );
    console.log(markdownTable(rows));
    console.log(
      `\nRatio authenticated/bare throughput: ${ratio.toFixed(2)} ` +
        `(${authenticated.label} ÷ ${bare.label}, all rounds; aim ≥ 0.5${ratio >= 0.5 ? ", met" : ", NOT met"})`,
    );
    console.log(
      `Ratio reference/bare: ${(reference.rps / bare.rps).toFixed(2)} (one Durable Object RPC and nothing else); ` +
        `authenticated/reference: ${(authenticated.rps / reference.rps).toFixed(2)} (1.00 = the authenticated ` +
        "route costs no more than its Durable Object hop)",
    );
    const cpu = (row) => `${row.cpuPerRequest.toFixed(3)} ms`;
    console.log(
      `workerd CPU per request (runtime process, Durable Object included): bare ${cpu(bare)}, ` +
        `reference ${cpu(reference)}, authenticated ${cpu(authenticated)}; authenticated − reference ` +
        `${(authenticated.cpuPerRequest - reference.cpuPerRequest).toFixed(3)} ms (what the rest costs)`,
    );

    const failed = totals.filter((row) => row.non2xx > 0 || row.errors > 0);
    for (const row of failed) {
      progress(
        `${row.label}: ${row.non2xx} non-2xx, ${row.errors} errors; status codes ${JSON.stringify(row.statusCodes)}`,
      );
    }
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    stopActivePhase();
    await worker.stop();
  }
}

await runBench(main);
