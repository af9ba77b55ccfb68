#!/usr/bin/env node
// AI generations on long transcripts (not part of npm test):
// 1. The offline extractive provider: keypoints and a summary of a BENCH_HOURS (default 3) hour meeting — the
//    three test fixtures (test/fixtures/transcripts) back to back until it is that long — bundled with esbuild
//    and run in this Node's V8 (the engine workerd embeds). CPU ms: cold (first call after loading the module)
//    and warm (median of BENCH_RUNS runs, default 10). Keypoints run first, so their cold call also pays for
//    compiling the module and filling the word cache.
// 2. The OpenAI provider (bundled the same way) against the fake OpenAI server (scripts/fake-openai.mjs):
//    provider calls and wall time for keypoints and a summary at 1, 3 and 6 hours, with the default prompt
//    budget (map-reduce beyond it).
//
// Env: BENCH_HOURS (default 3), BENCH_RUNS (default 10).
import { build } from "esbuild";
import { startFakeOpenAi } from "../scripts/fake-openai.mjs";
import { envInt, progress, ROOT, runBench } from "./local-worker.mjs";

const HOURS = envInt("BENCH_HOURS", 3, 1);
const RUNS = envInt("BENCH_RUNS", 10, 1);

/** Bundles a module of the project (TypeScript) and imports it in this process. */
async function load(contents, platform = "neutral") {
  const bundle = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    format: "esm",
    platform,
    write: false,
    logLevel: "error",
  });
  return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString("base64")}`);
}

const FIXTURES = `
export { PLANNING } from "./test/fixtures/transcripts/planning.ts";
export { SALES_CALL } from "./test/fixtures/transcripts/sales-call.ts";
export { CONSULTATION } from "./test/fixtures/transcripts/consultation.ts";
export { shifted } from "./test/fixtures/transcripts/script.ts";
`;

/** `hours` of realistic talk: the fixtures back to back, repeated, with every commitment and decision in them. */
function meeting(fixtures, hours) {
  const { PLANNING, SALES_CALL, CONSULTATION, shifted } = fixtures;
  const parts = [PLANNING, SALES_CALL, CONSULTATION];
  const out = [];
  let offset = 0;
  for (let i = 0; offset < hours * 3600; i++) {
    out.push(...shifted(parts[i % parts.length], offset, out.length));
    offset = out.at(-1).end + 5;
  }
  return out;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The extractive generators are synchronous inside their async wrapper; CPU is measured around the awaited call. */
async function cpuOf(generate) {
  const before = process.cpuUsage();
  await generate();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function extractive(fixtures) {
  const { createExtractiveProvider } = await load(
    `export { createExtractiveProvider } from "./src/ai/extractive/index.ts";`,
  );
  const segments = meeting(fixtures, HOURS);
  const provider = createExtractiveProvider();
  const input = { segments, language: null };
  const kinds = {
    keypoints: () => provider.generate("keypoints", input),
    "summary (General Bulleted)": () => provider.generate("summary", { ...input, template: "General Bulleted" }),
    "summary (SOAP)": () => provider.generate("summary", { ...input, template: "SOAP" }),
  };
  const rows = [];
  for (const [kind, generate] of Object.entries(kinds)) {
    const cold = await cpuOf(generate);
    const warm = [];
    for (let i = 0; i < RUNS; i++) warm.push(await cpuOf(generate));
    rows.push({ kind, cold, warm: median(warm) });
  }
  return { segments, rows };
}

async function openai(fixtures) {
  const { createOpenAiProvider, DEFAULT_MAX_PROMPT_CHARS } = await load(
    `export { createOpenAiProvider, DEFAULT_MAX_PROMPT_CHARS } from "./src/ai/openai-provider.ts";`,
    "node",
  );
  const fake = await startFakeOpenAi({ port: 0 });
  const rows = [];
  try {
    for (const hours of [1, 3, 6]) {
      const segments = meeting(fixtures, hours);
      for (const kind of ["keypoints", "summary"]) {
        const tag = `bench-${hours}h-${kind}`;
        const provider = createOpenAiProvider({
          apiKey: "bench",
          baseURL: fake.tagUrl(tag),
          transcriptionModel: "gpt-4o-transcribe-diarize",
          textModel: "gpt-bench",
          timeoutMs: 60_000,
          maxRetries: 0,
        });
        const input = { segments, language: null, ...(kind === "summary" ? { template: "General Bulleted" } : {}) };
        const started = performance.now();
        await provider.generate(kind, input);
        const wall = performance.now() - started;
        const requests = await (await fetch(`${fake.origin}/t/${tag}/__fake/requests?route=chat`)).json();
        const maps = requests.filter((r) => r.messages?.[1]?.content.startsWith("Transcript (part ")).length;
        const chars = segments.reduce((sum, s) => sum + s.text.length, 0);
        rows.push({ hours, kind, segments: segments.length, chars, calls: requests.length, maps, wall });
      }
    }
  } finally {
    await fake.close();
  }
  return { rows, budget: DEFAULT_MAX_PROMPT_CHARS };
}

async function main() {
  const fixtures = await load(FIXTURES);
  progress(`extractive provider on a ${HOURS} h meeting`);
  const offline = await extractive(fixtures);
  progress("OpenAI provider against the fake server at 1, 3 and 6 h");
  const online = await openai(fixtures);

  const { segments } = offline;
  console.log(
    `\nOffline extractive provider — ${HOURS} h meeting, ${segments.length} segments, ` +
      `${segments.reduce((n, s) => n + s.text.split(/\s+/).length, 0)} words; Node ${process.version} V8\n`,
  );
  console.log(`| generation | cold CPU ms (first call in the process) | warm CPU ms (median of ${RUNS}) |`);
  console.log("| --- | ---: | ---: |");
  for (const row of offline.rows) console.log(`| ${row.kind} | ${row.cold.toFixed(1)} | ${row.warm.toFixed(1)} |`);

  console.log(
    `\nOpenAI provider against the fake server — prompt budget ${online.budget.toLocaleString("en")} characters of transcript\n`,
  );
  console.log("| meeting | generation | segments | transcript chars | provider calls (map + merge) | wall ms |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: |");
  for (const row of online.rows) {
    const split = row.maps > 0 ? `${row.calls} (${row.maps} + ${row.calls - row.maps})` : `${row.calls} (one request)`;
    console.log(
      `| ${row.hours} h | ${row.kind} | ${row.segments} | ${row.chars.toLocaleString("en")} | ${split} | ${row.wall.toFixed(0)} |`,
    );
  }
}

await runBench(main);
