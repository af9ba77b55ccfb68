#!/usr/bin/env node
// Data export of a large organization (SPEC §9) through a local worker (wrangler dev): BENCH_MEETINGS meetings
// (default 100,000) and BENCH_TRANSCRIPTS transcripts (default 1,000) of BENCH_SEGMENTS segments each (default
// 200) are seeded straight into the throw-away local D1 with set-based SQL, then POST /api/v1/exports is polled
// until ready. Reports wall time, the queue invocations the writer took (each writes a bounded number of 5 MiB
// parts and hands over), the document's size, workerd's CPU time and its peak resident memory growth. Locally the
// runtime also runs D1's SQLite, so both figures are upper bounds for the Worker. The document is then downloaded
// through its access link and parsed, to check it holds every meeting and transcript.
//
// Env: BENCH_MEETINGS (default 100000), BENCH_TRANSCRIPTS (default 1000), BENCH_SEGMENTS (default 200).
import { call, cpuMs, envInt, progress, runBench, startLocalWorker, wranglerVersion } from "./local-worker.mjs";
import { measured, runtimePid } from "./memory.mjs";

const MEETINGS = envInt("BENCH_MEETINGS", 100_000, 1);
const TRANSCRIPTS = envInt("BENCH_TRANSCRIPTS", 1_000, 1);
const SEGMENTS = envInt("BENCH_SEGMENTS", 200, 1);
const ORG_ID = "org_benchExport0000000000";

/** One SQL script: the organization, its meetings, transcriptions and one stored page of segments each. */
function seedSql(now) {
  const start = now - 24 * 3_600_000;
  const end = now + 30 * 24 * 3_600_000; // live for the whole run: the expiry cron leaves them alone
  return `INSERT INTO organizations (id, name, plan, status, created_at, updated_at)
      VALUES ('${ORG_ID}', 'Bench', 'enterprise', 'active', ${start}, ${start});
    WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${MEETINGS})
    INSERT INTO meetings (id, org_id, room_name, start_date, end_date, expires_at, is_locked, room_mode, recording, metadata, created_at)
    SELECT 'mtg_' || lower(hex(randomblob(11))), '${ORG_ID}', '/bench-' || lower(hex(randomblob(12))), ${start},
           ${end}, ${end + 3_600_000}, 0, 'normal', '{"type":"none","startTrigger":"none"}',
           'customer call ' || n || ' — notes: renewal, pricing, next steps', ${start} + n
    FROM seq;
    WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${TRANSCRIPTS})
    INSERT INTO transcriptions (id, org_id, type, state, language, duration_seconds, segment_count, speaker_labels, speaker_names, created_at)
    SELECT 'trn_' || lower(hex(randomblob(11))), '${ORG_ID}', 'IMPORTED', 'ready', 'en', ${SEGMENTS * 4}, ${SEGMENTS},
           '["A","B","C"]', '{"A":"Alice"}', ${start} + n
    FROM seq;
    WITH RECURSIVE seg(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seg WHERE n < ${SEGMENTS - 1}),
      page(segments) AS (
        SELECT json_group_array(json_array(char(65 + n % 3), n * 4, n * 4 + 3,
               'segment ' || n || ': so we agreed to ship the export before the review, and Bob takes the follow-up'))
        FROM seg)
    INSERT INTO transcript_segment_pages (transcription_id, org_id, page, first_index, segments)
    SELECT t.id, t.org_id, 0, 0, page.segments FROM transcriptions t, page WHERE t.org_id = '${ORG_ID}';`;
}

async function exportUntilReady(base, key) {
  const started = await call(base, "POST", "/api/v1/exports", key, undefined, 202);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const current = await call(base, "GET", `/api/v1/exports/${started.exportId}`, key, undefined, 200);
    if (current.state === "ready") return current;
    if (current.state === "failed") throw new Error("the export failed");
  }
}

async function main() {
  const worker = await startLocalWorker({
    beforeStart: async (d1Execute) => {
      progress(`seeding ${MEETINGS} meetings and ${TRANSCRIPTS} transcripts of ${SEGMENTS} segments`);
      await d1Execute(seedSql(Date.now()));
    },
  });
  try {
    const { key } = await call(
      worker.base,
      "POST",
      `/admin/v1/organizations/${ORG_ID}/api-keys`,
      worker.adminToken,
      { name: "bench" },
      201,
    );
    const runtime = runtimePid(worker);
    const cpuBefore = cpuMs(worker.wrangler.workerdPids());
    progress("exporting");
    const m = await measured([runtime], () => exportUntilReady(worker.base, key));
    const cpuSeconds = (cpuMs(worker.wrangler.workerdPids()) - cpuBefore) / 1000;
    progress("downloading and parsing the document");
    const link = new URL(m.result.accessLink);
    const download = await fetch(`${worker.base}${link.pathname}${link.search}`, {
      signal: AbortSignal.timeout(300_000),
    }).catch((error) => {
      throw new Error(`download of ${m.result.accessLink} failed: ${error.cause ?? error}`);
    });
    if (download.status !== 200) throw new Error(`download answered ${download.status}`);
    const document = JSON.parse(await download.text());
    if (document.meetings.length !== MEETINGS || document.transcriptions.length !== TRANSCRIPTS) {
      throw new Error(
        `the document holds ${document.meetings.length} meetings and ${document.transcriptions.length} transcripts`,
      );
    }
    const segments = document.transcriptions.reduce((sum, t) => sum + t.segments.length, 0);
    if (segments !== TRANSCRIPTS * SEGMENTS) throw new Error(`the document holds ${segments} segments`);

    // After the download: `wrangler d1 execute` blocks this process, and undici would then reuse a pooled
    // connection workerd closed meanwhile ("other side closed").
    const [row] = await worker.d1Query(
      `SELECT json_extract(progress, '$.invocations') AS invocations, json_extract(progress, '$.parts') AS parts
       FROM data_exports WHERE id = '${m.result.exportId}'`,
    );

    const mb = m.result.sizeInBytes / 1_000_000;
    console.log(`\nParley export bench — wrangler ${wranglerVersion()} (local workerd)\n`);
    console.log(
      "| organization | document MB | 5 MiB parts | queue invocations | seconds | MB/s | workerd CPU s | workerd RSS before MiB | peak MiB | growth MiB |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    console.log(
      `| ${MEETINGS} meetings, ${TRANSCRIPTS} transcripts × ${SEGMENTS} segments | ${mb.toFixed(1)} | ${row?.parts} | ` +
        `${row?.invocations} | ${m.seconds.toFixed(1)} | ${(mb / m.seconds).toFixed(1)} | ${cpuSeconds.toFixed(1)} | ` +
        `${m.baselineMiB.toFixed(0)} | ${m.peakMiB.toFixed(0)} | ${(m.peakMiB - m.baselineMiB).toFixed(0)} |`,
    );
    console.log(
      `\nDownloaded through its access link and parsed: ${MEETINGS} meetings, ${TRANSCRIPTS} transcripts, ${segments} segments.`,
    );
  } finally {
    await worker.stop();
  }
}

await runBench(main);
