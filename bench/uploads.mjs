#!/usr/bin/env node
// Recording uploads through a local worker (wrangler dev): direct uploads of 10 MB and 100 MB, multipart
// uploads of 100 MB and 1 GB. Reports throughput and the worker runtime's (workerd) peak resident memory
// during each upload, sampled every 20 ms from /proc. Streaming means that peak must not grow with file size.
//
// Env: BENCH_MULTIPART_MB (largest multipart upload, default 1024).
import {
  createBenchOrganization,
  envInt,
  multipartUpload,
  progress,
  runBench,
  startLocalWorker,
  wranglerVersion,
} from "./local-worker.mjs";
import { measured, runtimePid } from "./memory.mjs";

// Decimal megabytes, as SPEC §5 counts them (direct uploads: up to 100 MB = 100,000,000 bytes).
const MB = 1_000_000;
const LARGEST_MULTIPART_MB = envInt("BENCH_MULTIPART_MB", 1024, 20);
const WEBM_HEAD = [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81];

function chunk(size) {
  const bytes = Buffer.alloc(size, 7);
  bytes.set(WEBM_HEAD);
  return bytes;
}

async function direct(base, key, sizeMb) {
  const body = chunk(sizeMb * MB);
  const res = await fetch(`${base}/api/v1/recordings?filename=direct-${sizeMb}.webm`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "video/webm", "Content-Length": String(body.length) },
    body,
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`direct upload answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

function multipart(base, key, sizeMb) {
  return multipartUpload(base, key, {
    filename: `mp-${sizeMb}.webm`,
    contentType: "video/webm",
    totalBytes: sizeMb * MB,
    partBody: (_n, partSize) => chunk(partSize),
  });
}

async function main() {
  const worker = await startLocalWorker();
  try {
    const { key } = await createBenchOrganization(worker, 1_000_000);
    const runtime = [runtimePid(worker)];
    const runs = [
      ["direct", 10],
      ["direct", 100],
      ["direct", 100],
      ["multipart", 100],
      ["multipart", LARGEST_MULTIPART_MB],
    ];
    const rows = [];
    for (const [kind, sizeMb] of runs) {
      progress(`${kind} upload of ${sizeMb} MB`);
      const run =
        kind === "direct" ? () => direct(worker.base, key, sizeMb) : () => multipart(worker.base, key, sizeMb);
      const m = await measured(runtime, run);
      if (m.result.sizeInBytes !== sizeMb * MB)
        throw new Error(`stored ${m.result.sizeInBytes} bytes, sent ${sizeMb * MB}`);
      rows.push({ kind, sizeMb, ...m });
    }
    console.log(`\nParley upload bench — wrangler ${wranglerVersion()} (local workerd, local R2 on disk)\n`);
    console.log("| upload | size MB | seconds | MB/s | workerd RSS before MiB | workerd peak RSS MiB | growth MiB |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      console.log(
        `| ${r.kind} | ${r.sizeMb} | ${r.seconds.toFixed(1)} | ${(r.sizeMb / r.seconds).toFixed(1)} | ` +
          `${r.baselineMiB.toFixed(0)} | ${r.peakMiB.toFixed(0)} | ${(r.peakMiB - r.baselineMiB).toFixed(0)} |`,
      );
    }
  } finally {
    await worker.stop();
  }
}

await runBench(main);
