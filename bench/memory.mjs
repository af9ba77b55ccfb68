// Resident memory of the local worker runtime, sampled from /proc while a bench step runs.
import { readFileSync } from "node:fs";

export function rssKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** wrangler dev runs two workerd processes: its entry proxy and the runtime executing Parley (the larger one). */
export function runtimePid(worker) {
  const pids = worker.wrangler.workerdPids();
  const sizes = pids.map((pid) => rssKb(pid));
  return pids[sizes.indexOf(Math.max(...sizes))];
}

/** Runs `work` while sampling the summed RSS of `pids` every 20 ms; returns its result, seconds and peak MiB. */
export async function measured(pids, work) {
  const sample = () => pids.reduce((sum, pid) => sum + rssKb(pid), 0);
  const baseline = sample();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, sample());
  }, 20);
  const started = performance.now();
  try {
    const result = await work();
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      baselineMiB: baseline / 1024,
      peakMiB: peak / 1024,
    };
  } finally {
    clearInterval(timer);
  }
}
