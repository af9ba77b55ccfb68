#!/usr/bin/env node
// Room events at scale (SPEC §7): N events (default 100,000) over R rooms (default 1,000), posted to a throw-away
// local Parley in batches of 500 with C batches in flight. Reports events/s, p50/p99 of the ingest call, the
// workerd CPU per batch (an upper bound: it includes local SQLite's work, which D1 does elsewhere) and the
// latency of the insights endpoints afterwards, each against GET /health in the same run.
//
// Env: BENCH_EVENTS (100000), BENCH_ROOMS (1000), BENCH_BATCH (500), BENCH_CONCURRENCY (4),
//      BENCH_ORDER (`time`: one stream in time order across all rooms, as a media plane reports; `room`: room by room).
import { readFileSync } from "node:fs";
import { call, cpuMs, envInt, progress, runBench, startLocalWorker, wranglerVersion } from "./local-worker.mjs";
import { measured, runtimePid } from "./memory.mjs";

const EVENTS = envInt("BENCH_EVENTS", 100_000, 2);
const ROOMS = envInt("BENCH_ROOMS", 1_000, 1);
const BATCH = envInt("BENCH_BATCH", 500, 1);
const CONCURRENCY = envInt("BENCH_CONCURRENCY", 4, 1);
const ORDER = process.env.BENCH_ORDER === "room" ? "room" : "time";
const ORG_ID = "org_benchRoomEvents00000000";
const MIN = 60_000;

const roomName = (r) => `/bench-room-${String(r).padStart(5, "0")}`;

/** Per room: pairs and trios of people meeting, 4 events per person, sessions 20 minutes apart. */
function generate(now) {
  const perRoom = Math.floor(EVENTS / ROOMS);
  const start = now - 7 * 24 * 60 * MIN;
  const events = [];
  for (let r = 0; r < ROOMS; r++) {
    let t = start + r * 1000;
    for (let i = 0; i + 4 <= perRoom; i += 4) {
      const a = `p${i}`;
      const b = `p${i + 1}`;
      const at = (m) => new Date(t + m * MIN).toISOString();
      const name = roomName(r);
      events.push(
        {
          type: "room.client.joined",
          roomName: name,
          participantId: a,
          externalId: `user-${i % 50}`,
          occurredAt: at(0),
        },
        { type: "room.client.joined", roomName: name, participantId: b, displayName: "Guest", occurredAt: at(1) },
        { type: "room.client.left", roomName: name, participantId: b, occurredAt: at(9) },
        { type: "room.client.left", roomName: name, participantId: a, occurredAt: at(10) },
      );
      t += 20 * MIN;
    }
  }
  if (ORDER === "time") events.sort((x, y) => x.occurredAt.localeCompare(y.occurredAt));
  return events;
}

/** workerd CPU so far, tolerating a runtime that restarted (its pids are read afresh each time; a restart is reported). */
function workerdCpu(worker, seen) {
  const pids = worker.wrangler.workerdPids();
  for (const pid of pids) seen.add(pid);
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuMs([pid]);
    } catch {
      // exited between ps and /proc
    }
  }
  return total;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: pct(sorted, 50), p99: pct(sorted, 99), n: sorted.length };
};

async function timed(base, key, path, count) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    let t0 = performance.now();
    // A keep-alive socket the server closed while the bench was busy elsewhere (the D1 query above takes
    // seconds on a loaded machine) fails once with "other side closed": that attempt is retried, not timed.
    const get = () => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${key}` } });
    const res = await get().catch(() => {
      t0 = performance.now();
      return get();
    });
    await res.text();
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

async function main() {
  const now = Date.now();
  const created = now - 8 * 24 * 60 * MIN;
  const worker = await startLocalWorker({
    beforeStart: async (d1Execute) => {
      progress(`seeding ${ROOMS} rooms`);
      await d1Execute(
        `INSERT INTO organizations (id, name, plan, status, created_at, updated_at) VALUES ('${ORG_ID}', 'Bench', 'enterprise', 'active', ${created}, ${created});
         WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${ROOMS - 1})
         INSERT INTO meetings (id, org_id, room_name, start_date, end_date, expires_at, is_locked, room_mode, recording, created_at)
         SELECT 'mtg_' || lower(hex(randomblob(11))), '${ORG_ID}', '/bench-room-' || substr('0000' || n, -5), ${created},
                ${now + 30 * 24 * 60 * MIN}, ${now + 31 * 24 * 60 * MIN}, 0, 'normal', '{"type":"none","startTrigger":"none"}', ${created}
         FROM seq;`,
      );
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
    const events = generate(now);
    const batches = [];
    for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
    progress(`posting ${events.length} events in ${batches.length} batches (${ORDER} order, ${CONCURRENCY} in flight)`);
    const seenPids = new Set();
    const latencies = [];
    let accepted = 0;
    let next = 0;
    const cpuBefore = workerdCpu(worker, seenPids);
    const pidsBefore = seenPids.size;
    const t0 = performance.now();
    // Peak resident memory of the runtime while ingesting (an upper bound: local D1's SQLite lives in it too).
    const memory = await measured([runtimePid(worker)], () =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batches.length) {
            const batch = batches[next++];
            const started = performance.now();
            const body = await call(worker.base, "POST", "/api/v1/room-events", key, { events: batch }, 200);
            latencies.push(performance.now() - started);
            accepted += body.accepted;
            if (latencies.length % 20 === 0) progress(`${latencies.length}/${batches.length} batches`);
          }
        }),
      ),
    );
    const wallMs = performance.now() - t0;
    const cpuPerBatch = (workerdCpu(worker, seenPids) - cpuBefore) / batches.length;
    if (seenPids.size !== pidsBefore)
      progress(`workerd pids changed during the run (${[...seenPids].join(", ")}): CPU figure unreliable`);
    const ingest = stats(latencies);
    if (accepted !== events.length) throw new Error(`accepted ${accepted} of ${events.length}`);

    const [{ n: sessions }] = await worker.d1Query("SELECT count(*) AS n FROM room_sessions");
    // Printed before the reads, so a run that fails later still reports its ingestion.
    console.log(
      `\nParley room-events bench — wrangler ${wranglerVersion()} (local workerd), ${events.length} events, ${ROOMS} rooms, ` +
        `batches of ${BATCH}, ${CONCURRENCY} in flight, ${ORDER} order → ${sessions} sessions\n`,
    );
    console.log("| ingest | value |");
    console.log("| --- | ---: |");
    console.log(`| events/s | ${((events.length / wallMs) * 1000).toFixed(0)} |`);
    console.log(`| wall time | ${(wallMs / 1000).toFixed(1)} s |`);
    console.log(`| p50 per call | ${ingest.p50.toFixed(0)} ms |`);
    console.log(`| p99 per call | ${ingest.p99.toFixed(0)} ms |`);
    console.log(`| workerd CPU per batch (upper bound) | ${cpuPerBatch.toFixed(0)} ms |`);
    console.log(
      `| workerd peak RSS growth while ingesting (upper bound) | ${(memory.peakMiB - memory.baselineMiB).toFixed(0)} MiB (from ${memory.baselineMiB.toFixed(0)} MiB) |`,
    );

    const [{ id: sessionId }] = await worker.d1Query(
      `SELECT id FROM room_sessions LIMIT 1 OFFSET ${Math.floor(sessions / 2)}`,
    );
    const queries = {
      "GET /health (bare route)": "/health",
      "GET /insights/rooms": "/api/v1/insights/rooms",
      "GET /insights/rooms?sortBy=totalParticipantMinutes:desc":
        "/api/v1/insights/rooms?sortBy=totalParticipantMinutes:desc",
      "GET /insights/room-sessions?roomName=": `/api/v1/insights/room-sessions?roomName=${encodeURIComponent(roomName(Math.floor(ROOMS / 2)))}`,
      "GET /insights/participants?roomSessionId=": `/api/v1/insights/participants?roomSessionId=${sessionId}`,
      "GET /insights/participants?externalId=": "/api/v1/insights/participants?externalId=user-7",
    };
    const reads = {};
    for (const [name, path] of Object.entries(queries)) reads[name] = await timed(worker.base, key, path, 100);

    const bare = reads["GET /health (bare route)"].p50;
    console.log("\n| read after ingest (100 calls) | p50 ms | p99 ms | p50 vs bare |");
    console.log("| --- | ---: | ---: | ---: |");
    for (const [name, s] of Object.entries(reads)) {
      console.log(`| ${name} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${(s.p50 / bare).toFixed(1)}× |`);
    }
  } catch (error) {
    const log = readFileSync(worker.wrangler.logFile, "utf8").split("\n").slice(-30).join("\n");
    progress(`worker log (last lines):\n${log}`);
    throw error;
  } finally {
    await worker.stop();
  }
}

await runBench(main);
