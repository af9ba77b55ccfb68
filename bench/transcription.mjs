#!/usr/bin/env node
// Transcription through a local worker (wrangler dev) and the fake OpenAI-compatible server: a WAV recording of
// BENCH_WAV_MB (default 1024) uploaded by multipart, transcribed through the ai-jobs queue in chunks of at most
// OPENAI_TRANSCRIBE_MAX_BYTES (default 25,000,000), polled until ready. Reports chunks/s and the worker runtime's
// (workerd) peak resident memory growth while it transcribes: each chunk is read from R2 with a ranged read, so
// the growth must not depend on the recording's size. Then insights for a BENCH_SEGMENTS (default 20,000)
// segment transcript: the computation's own CPU time (the same module bundled and run in this Node's V8, the
// engine workerd embeds) and the route's latency and workerd CPU per request.
//
// Env: BENCH_WAV_MB (default 1024), BENCH_SEGMENTS (default 20000), BENCH_INSIGHTS_RUNS (default 20).
import { build } from "esbuild";
import { startFakeOpenAi } from "../scripts/fake-openai.mjs";
import {
  call,
  cpuMs,
  createBenchOrganization,
  envInt,
  multipartUpload,
  progress,
  ROOT,
  runBench,
  startLocalWorker,
  wranglerVersion,
} from "./local-worker.mjs";
import { measured, runtimePid } from "./memory.mjs";

const MB = 1_000_000;
const WAV_MB = envInt("BENCH_WAV_MB", 1024, 30);
const SEGMENTS = envInt("BENCH_SEGMENTS", 20_000, 1);
const INSIGHTS_RUNS = envInt("BENCH_INSIGHTS_RUNS", 20, 1);
const SAMPLE_RATE = 16_000;
const BYTES_PER_SECOND = SAMPLE_RATE * 2; // 16-bit mono PCM

function wavHeader(dataBytes) {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write("WAVEfmt ", 8, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(BYTES_PER_SECOND, 28);
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

function uploadWav(base, key, totalBytes) {
  return multipartUpload(base, key, {
    filename: `bench-${WAV_MB}.wav`,
    contentType: "audio/wav",
    totalBytes,
    // Silence after the header: the first part carries it, every part is read from one reused buffer.
    partBody: (n, partSize) => {
      const silence = Buffer.alloc(partSize);
      return n === 1 ? Buffer.concat([wavHeader(totalBytes - 44), silence.subarray(44)]) : silence;
    },
  });
}

async function transcribe(base, key, recordingId) {
  const created = await call(base, "POST", "/api/v1/transcriptions", key, { recordingId }, 201);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const t = await call(base, "GET", `/api/v1/transcriptions/${created.transcriptionId}`, key, undefined, 200);
    if (t.state === "ready") return t;
    if (t.state === "failed") throw new Error(`transcription failed: ${t.error}`);
  }
}

/** A meeting of `count` segments: four speakers, overlaps, pauses, questions and fillers, as imports take it. */
function syntheticSegments(count) {
  const speakers = ["Alice", "Bob", "Carol", "Dan"];
  const segments = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    const length = 2 + (i % 7);
    segments.push({
      speaker: speakers[(i * 7) % 4],
      start: t,
      end: t + length,
      text: `um so segment ${i} is where we, you know, decide item ${i % 97}? I mean basically yes`,
    });
    t += length - (i % 5 === 0 ? 1 : -0.5);
  }
  return segments;
}

/** CPU ms of computeInsights itself, median of runs, in this process's V8. */
async function insightsCpuMs(segments) {
  const bundle = await build({
    entryPoints: [`${ROOT}/src/services/transcript-insights.ts`],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
  });
  const code = bundle.outputFiles[0].text;
  const { computeInsights } = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  const runs = [];
  for (let i = 0; i < INSIGHTS_RUNS; i++) {
    const before = process.cpuUsage();
    computeInsights(segments);
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / 1000);
  }
  return runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)];
}

async function main() {
  const fake = await startFakeOpenAi({ port: 0 });
  const worker = await startLocalWorker({
    extraArgs: ["bench/reference-worker.ts"],
    vars: { OPENAI_API_KEY: "bench", OPENAI_BASE_URL: fake.url },
  });
  try {
    const { key, orgId } = await createBenchOrganization(worker, 10_000_000);
    const runtime = runtimePid(worker);
    const totalBytes = WAV_MB * MB;
    progress(`uploading a ${WAV_MB} MB WAV`);
    const recording = await uploadWav(worker.base, key, totalBytes);
    progress("reading it in ranged chunks only (storage alone, no provider)");
    const reads = await measured([runtime], async () => {
      const objectKey = `recordings/${orgId}/${recording.recordingId}`;
      let chunks = 0;
      // The job's chunking: WAV data after the 44-byte header, in runs of whole 2-byte frames under 25 MB.
      const perChunk = Math.floor((25_000_000 - 44) / 2) * 2;
      for (let offset = 44; offset < totalBytes; offset += perChunk, chunks++) {
        const query = `key=${objectKey}&offset=${offset}&length=${Math.min(perChunk, totalBytes - offset)}`;
        await call(worker.base, "GET", `/__bench/r2-ranged-read?${query}`, key, undefined, 200);
      }
      return { chunks };
    });
    progress("transcribing");
    const m = await measured([runtime], () => transcribe(worker.base, key, recording.recordingId));
    const maxBytes = 25_000_000;
    const perChunk = Math.floor((maxBytes - 44) / 2) * 2;
    const chunks = Math.ceil((totalBytes - 44) / perChunk);

    progress(`importing a ${SEGMENTS}-segment transcript`);
    const segments = syntheticSegments(SEGMENTS);
    const imported = await call(worker.base, "POST", "/api/v1/transcriptions", key, { segments }, 201);
    const path = `/api/v1/transcriptions/${imported.transcriptionId}/insights`;
    await call(worker.base, "GET", path, key, undefined, 200);
    const latencies = [];
    const cpuBefore = cpuMs([runtime]);
    for (let i = 0; i < INSIGHTS_RUNS; i++) {
      const started = performance.now();
      await call(worker.base, "GET", path, key, undefined, 200);
      latencies.push(performance.now() - started);
    }
    const routeCpu = (cpuMs([runtime]) - cpuBefore) / INSIGHTS_RUNS;
    const computeCpu = await insightsCpuMs(segments);
    latencies.sort((a, b) => a - b);

    console.log(`\nParley transcription bench — wrangler ${wranglerVersion()} (local workerd, fake OpenAI server)\n`);
    console.log(
      "| recording | chunks | segments | seconds | chunks/s | workerd RSS before MiB | peak MiB | growth MiB |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    console.log(
      `| ${WAV_MB} MB WAV (${Math.round((totalBytes - 44) / BYTES_PER_SECOND / 3600)} h) | ${chunks} | ` +
        `${m.result.segmentCount} | ${m.seconds.toFixed(1)} | ${(chunks / m.seconds).toFixed(2)} | ` +
        `${m.baselineMiB.toFixed(0)} | ${m.peakMiB.toFixed(0)} | ${(m.peakMiB - m.baselineMiB).toFixed(0)} |`,
    );
    console.log(
      `| storage reads alone: ${reads.result.chunks} ranged R2 reads piped to a sink (same worker, before the job) | ${reads.result.chunks} | – | ` +
        `${reads.seconds.toFixed(1)} | ${(reads.result.chunks / reads.seconds).toFixed(2)} | ` +
        `${reads.baselineMiB.toFixed(0)} | ${reads.peakMiB.toFixed(0)} | ${(reads.peakMiB - reads.baselineMiB).toFixed(0)} |`,
    );
    console.log(
      "\n| insights | segments | computeInsights CPU ms (median) | route p50 ms | route workerd CPU ms/request |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: |");
    console.log(
      `| GET …/insights | ${SEGMENTS} | ${computeCpu.toFixed(1)} | ` +
        `${latencies[Math.floor(latencies.length / 2)].toFixed(1)} | ${routeCpu.toFixed(1)} |`,
    );
  } finally {
    await worker.stop();
    fake.server.close();
  }
}

await runBench(main);
