#!/usr/bin/env node
// Audit-log overhead (SPEC §9): `POST /api/v1/meetings` through Parley's app with the audit trail and through the
// same app built without it (bench/reference-worker.ts routes `x-bench-audit: off` there), alternated in one run
// against one throw-away local Parley, BENCH_ROUNDS times (the order swaps each round). Reports req/s, latency and
// the workerd CPU per request of each (the runtime process, D1 and the Durable Object included: the audit row's
// insert runs there too, after the response), the audited/unaudited ratios, and how many audit rows were written
// for how many audited responses.
//
// Env: BENCH_SECONDS (per phase, default 10), BENCH_CONNECTIONS (default 20), BENCH_ROUNDS (default 3),
//      BENCH_WARMUP_SECONDS (per variant before measuring, default 2),
//      BENCH_AUDIT_CONTROL=1 (an A/A control run: both variants without the trail, so the ratio shows the noise).
import {
  createBenchOrganization,
  envInt,
  progress,
  runBench,
  startLocalWorker,
  wranglerVersion,
} from "./local-worker.mjs";
import { runtimePid } from "./memory.mjs";
import { load, markdownTable, stopActivePhase, summarize } from "./phases.mjs";

const POINTS_PER_MINUTE = 100_000_000;
const SECONDS = envInt("BENCH_SECONDS", 10, 1);
const CONNECTIONS = envInt("BENCH_CONNECTIONS", 20, 1);
const ROUNDS = envInt("BENCH_ROUNDS", 3, 1);
const WARMUP_SECONDS = envInt("BENCH_WARMUP_SECONDS", 2, 0);

async function main() {
  const worker = await startLocalWorker({ extraArgs: ["bench/reference-worker.ts"] });
  try {
    const { orgId, key } = await createBenchOrganization(worker, POINTS_PER_MINUTE);
    const body = JSON.stringify({ endDate: new Date(Date.now() + 24 * 3_600_000).toISOString() });
    const request = (extra) => ({
      url: `${worker.base}/api/v1/meetings`,
      method: "POST",
      body,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...extra },
    });
    const variants = [
      // BENCH_AUDIT_CONTROL=1: an A/A run (both variants without the trail), to see the machine's noise in the ratio.
      {
        label: "POST /api/v1/meetings, audited",
        request: request(process.env.BENCH_AUDIT_CONTROL === "1" ? { "x-bench-audit": "off" } : {}),
      },
      { label: "POST /api/v1/meetings, no audit trail", request: request({ "x-bench-audit": "off" }) },
    ];
    const options = { seconds: SECONDS, connections: CONNECTIONS };
    let auditedResponses = 0;
    if (WARMUP_SECONDS > 0) {
      for (const variant of variants) {
        const phase = await load(`warm-up ${variant.label} ${WARMUP_SECONDS} s`, variant.request, {
          ...options,
          seconds: WARMUP_SECONDS,
        });
        if (variant === variants[0]) auditedResponses += phase.requests;
      }
    }
    const cpuPids = [runtimePid(worker)];
    const phases = new Map(variants.map((variant) => [variant.label, []]));
    const rows = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? variants : [...variants].reverse();
      for (const variant of order) {
        const title = `round ${round}/${ROUNDS}: ${variant.label} for ${SECONDS} s, ${CONNECTIONS} connections`;
        const phase = await load(title, variant.request, { ...options, cpuPids });
        if (variant === variants[0]) auditedResponses += phase.requests;
        phases.get(variant.label).push(phase);
        rows.push(summarize(variant.label, String(round), [phase]));
      }
    }
    const [audited, bare] = variants.map((variant) => summarize(variant.label, "all", phases.get(variant.label)));
    rows.push(audited, bare);

    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the last rows are written after their responses
    const [{ n: auditRows }] = await worker.d1Query(
      `SELECT count(*) AS n FROM audit_log WHERE org_id = '${orgId}' AND route = '/api/v1/meetings'`,
    );

    console.log(
      `\nParley audit-log bench — wrangler ${wranglerVersion()} (local workerd), Node ${process.version}, ` +
        `${CONNECTIONS} connections, ${SECONDS} s per phase, ${ROUNDS} rounds, alternating\n`,
    );
    console.log(markdownTable(rows));
    const ratio = audited.rps / bare.rps;
    console.log(
      `\nRatio audited/unaudited throughput: ${ratio.toFixed(3)} (all rounds; aim ≥ 0.95${ratio >= 0.95 ? ", met" : ", NOT met"})`,
    );
    console.log(
      `workerd CPU per request: audited ${audited.cpuPerRequest.toFixed(3)} ms, unaudited ${bare.cpuPerRequest.toFixed(3)} ms; ` +
        `ratio unaudited/audited ${(bare.cpuPerRequest / audited.cpuPerRequest).toFixed(3)} ` +
        `(the audit trail costs ${(audited.cpuPerRequest - bare.cpuPerRequest).toFixed(3)} ms a request)`,
    );
    console.log(
      `Audit rows for POST /api/v1/meetings: ${auditRows} for ${auditedResponses} audited responses counted by ` +
        "autocannon (rows ≥ responses: requests still in flight when a phase stops are answered and audited too)",
    );
    const failed = [audited, bare].filter((row) => row.non2xx > 0 || row.errors > 0);
    for (const row of failed) {
      progress(
        `${row.label}: ${row.non2xx} non-2xx, ${row.errors} errors; status codes ${JSON.stringify(row.statusCodes)}`,
      );
    }
    if (failed.length > 0 || auditRows < auditedResponses) process.exitCode = 1;
  } finally {
    stopActivePhase();
    await worker.stop();
  }
}

await runBench(main);
