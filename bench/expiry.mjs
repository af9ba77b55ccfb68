#!/usr/bin/env node
// Meeting expiry at scale (SPEC §4): seeds N meetings (default 100,000) that ended over an hour ago into a
// throw-away local D1, then triggers the every-minute cron through wrangler's /__scheduled route until none
// is left. Reports the runs needed, wall time and the workerd process's CPU time per run. Locally that CPU
// time also includes SQLite's own work (on Cloudflare, D1 runs it elsewhere), so it is an upper bound for
// the worker's CPU time; the Workers limit it must stay well under is 30 s (paid plan default).
//
// Env: BENCH_MEETINGS (default 100000).
import { call, cpuMs, envInt, progress, runBench, startLocalWorker, wranglerVersion } from "./local-worker.mjs";

const MEETINGS = envInt("BENCH_MEETINGS", 100_000, 1);
const ORG_ID = "org_benchExpiry0000000000";

async function main() {
  const ended = Date.now() - 2 * 3_600_000;
  const worker = await startLocalWorker({
    extraArgs: ["--test-scheduled"],
    beforeStart: async (d1Execute) => {
      progress(`seeding ${MEETINGS} expired meetings`);
      await d1Execute(
        `INSERT INTO organizations (id, name, plan, status, created_at, updated_at) VALUES ('${ORG_ID}', 'Bench', 'enterprise', 'active', ${ended}, ${ended});
         WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${MEETINGS})
         INSERT INTO meetings (id, org_id, room_name, start_date, end_date, expires_at, is_locked, room_mode, recording, created_at)
         SELECT 'mtg_' || lower(hex(randomblob(11))), '${ORG_ID}', '/bench-' || lower(hex(randomblob(12))), ${ended - 3_600_000},
                ${ended}, ${ended + 3_600_000}, 0, 'normal', '{"type":"none","startTrigger":"none"}', ${ended - 3_600_000}
         FROM seq;`,
      );
    },
  });
  try {
    await call(
      worker.base,
      "POST",
      `/admin/v1/organizations/${ORG_ID}/api-keys`,
      worker.adminToken,
      { name: "bench" },
      201,
    );
    const pids = worker.wrangler.workerdPids();
    const runs = [];
    let expiredTotal = 0;
    while (expiredTotal < MEETINGS && runs.length < 1000) {
      const cpuBefore = cpuMs(pids);
      const t0 = performance.now();
      const res = await fetch(`${worker.base}/__scheduled?cron=*+*+*+*+*`, { signal: AbortSignal.timeout(120_000) });
      await res.text();
      const wallMs = performance.now() - t0;
      const cpu = cpuMs(pids) - cpuBefore;
      const events = await countExpired(worker);
      runs.push({ run: runs.length + 1, expired: events - expiredTotal, wallMs, cpuMs: cpu });
      progress(
        `run ${runs.length}: ${events - expiredTotal} expired, ${wallMs.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU`,
      );
      if (events === expiredTotal) break;
      expiredTotal = events;
    }
    const totalMs = runs.reduce((sum, r) => sum + r.wallMs, 0);
    const working = runs.filter((r) => r.expired > 0).length;
    console.log(
      `\nParley expiry bench — wrangler ${wranglerVersion()} (local workerd), ${MEETINGS} expired meetings\n`,
    );
    console.log("| run | meetings expired | wall ms | workerd CPU ms |");
    console.log("| ---: | ---: | ---: | ---: |");
    for (const r of runs) console.log(`| ${r.run} | ${r.expired} | ${r.wallMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} |`);
    const maxCpu = Math.max(...runs.map((r) => r.cpuMs));
    console.log(
      `\n${expiredTotal} of ${MEETINGS} cleared in ${working} scheduled runs taking ${(totalMs / 1000).toFixed(1)} s ` +
        `in all (with one run a minute in production: ${working} min). Highest CPU per run: ${maxCpu.toFixed(0)} ms ` +
        "(upper bound, includes local SQLite; Workers limit 30,000 ms).",
    );
    if (expiredTotal !== MEETINGS) process.exitCode = 1;
  } finally {
    await worker.stop();
  }
}

/** meeting.expired events recorded so far, counted in the local D1 next to the running worker. */
async function countExpired(worker) {
  const rows = await worker.d1Query("SELECT count(*) AS n FROM events WHERE type = 'meeting.expired'");
  return Number(rows[0]?.n ?? 0);
}

await runBench(main);
