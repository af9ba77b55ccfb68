// Shared by the load benchmarks: one autocannon phase with the workerd CPU it cost, and the markdown table.
import autocannon from "autocannon";
import { cpuMs, progress } from "./local-worker.mjs";

let activeCannon = null;

/** Stops a phase still running (on error or Ctrl+C). */
export function stopActivePhase() {
  activeCannon?.stop();
}

/**
 * One autocannon phase; latencies are recorded per response so rows can be merged exactly across rounds, and
 * the CPU the `cpuPids` used meanwhile is recorded with it. `request` may carry method, body and headers.
 */
export async function load(title, { url, headers, method, body }, { seconds, connections, cpuPids = [] }) {
  progress(title);
  const latencies = [];
  const instance = autocannon({ url, headers, method, body, connections, duration: seconds });
  activeCannon = instance;
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const cpuBefore = cpuMs(cpuPids);
  const result = await instance;
  const cpu = cpuMs(cpuPids) - cpuBefore;
  activeCannon = null;
  return {
    cpuMs: cpu,
    requests: result.requests.total,
    duration: result.duration,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: result.statusCodeStats,
    latencies,
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One table row from one or more phases of a route. */
export function summarize(label, round, phases) {
  const latencies = phases.flatMap((phase) => phase.latencies).sort((a, b) => a - b);
  const requests = phases.reduce((sum, phase) => sum + phase.requests, 0);
  const duration = phases.reduce((sum, phase) => sum + phase.duration, 0);
  const statusCodes = {};
  for (const phase of phases) {
    for (const [code, { count }] of Object.entries(phase.statusCodes ?? {})) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  return {
    label,
    round,
    rps: requests / duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx: phases.reduce((sum, phase) => sum + phase.non2xx, 0),
    errors: phases.reduce((sum, phase) => sum + phase.errors, 0),
    requests,
    cpuPerRequest: phases.reduce((sum, phase) => sum + phase.cpuMs, 0) / requests,
    statusCodes,
  };
}

export function markdownTable(rows) {
  const fmt = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
  const lines = [
    "| route | round | req/s | p50 ms | p99 ms | CPU ms/req | non-2xx | errors | requests |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const cells = [row.label, row.round, fmt(row.rps, 0), fmt(row.p50, 2), fmt(row.p99, 2), fmt(row.cpuPerRequest, 3)];
    lines.push(`| ${[...cells, row.non2xx, row.errors, row.requests].join(" | ")} |`);
  }
  return lines.join("\n");
}
