// Shared by the benchmarks: a throw-away local Parley (`wrangler dev` with its own --persist-to directory and
// random secrets, never the developer's .wrangler/state), stopped as a whole process group.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 90_000;

/** Runs a bench's `main`, turning any failure into one clear line and a non-zero exit code. */
export async function runBench(main) {
  try {
    await main();
  } catch (error) {
    console.error(`[bench] failed: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}

export function progress(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

export function envInt(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}".`);
  return value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The secrets wrangler.toml requires; each gets a random bench value (third-party API keys stay empty). */
function requiredSecrets() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const section = toml.match(/^\[secrets\][^[]*?^\s*required\s*=\s*\[([^\]]*)\]/ms);
  const names = section ? [...section[1].matchAll(/["']([A-Za-z_][A-Za-z0-9_]*)["']/g)].map((m) => m[1]) : [];
  return [...new Set(["ADMIN_TOKEN", ...names])];
}

/** A random value for a required secret: SECRETS_KEY is a key list (see README), third-party API keys stay empty. */
function benchSecret(name) {
  if (name === "SECRETS_KEY") return `bench1:${randomBytes(32).toString("base64")}`;
  return name.endsWith("_API_KEY") ? "" : randomBytes(32).toString("hex");
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no output)";
  }
}

/** One wrangler process group; `stop()` ends all of it (wrangler, its node child, workerd, esbuild). */
class Wrangler {
  constructor(args, logFile, env) {
    this.logFile = logFile;
    const fd = openSync(logFile, "a");
    this.child = spawn(process.execPath, [WRANGLER, ...args], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve({ code, signal }));
      this.child.once("error", (error) => resolve({ code: null, signal: null, error }));
    });
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  groupAlive() {
    try {
      process.kill(-this.child.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  signalGroup(signal) {
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // group already gone
    }
  }

  /** Pids of the workerd processes in this group (the runtime that executes the worker). */
  workerdPids() {
    const out = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(this.child.pid)], { encoding: "utf8" });
    return out
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([, comm]) => comm === "workerd")
      .map(([pid]) => Number(pid));
  }

  async stop() {
    if (this.child.pid === undefined) return;
    this.signalGroup("SIGTERM");
    const deadline = Date.now() + 10_000;
    while (this.groupAlive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (this.groupAlive()) this.signalGroup("SIGKILL");
    await this.exited;
  }

  killNow() {
    if (this.child.pid !== undefined && this.groupAlive()) this.signalGroup("SIGKILL");
  }
}

async function runToCompletion(args, logFile, env) {
  const run = new Wrangler(args, logFile, env);
  const { code, signal, error } = await run.exited;
  if (error || code !== 0) {
    throw new Error(
      `wrangler ${args.slice(0, 3).join(" ")} failed (${error?.message ?? `exit ${code ?? signal}`}):\n${tail(logFile)}`,
    );
  }
}

async function waitForHealth(base, wrangler) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!wrangler.running) throw new Error(`wrangler dev exited before it was ready:\n${tail(wrangler.logFile)}`);
    try {
      const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${base}/health did not answer 200 within ${READY_TIMEOUT_MS / 1000} s:\n${tail(wrangler.logFile)}`);
}

/** JSON request against the local worker; throws unless the status is `expected`. */
export async function call(base, method, path, token, body, expected) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * Starts a local Parley: migrations applied, then `beforeStart(d1Execute)` (to seed data with the worker
 * not yet running), then `wrangler dev`. `vars` override wrangler.toml's vars and the bench's secrets. Returns { base, adminToken, wrangler, d1Execute, stop }.
 */
export async function startLocalWorker({ extraArgs = [], beforeStart, vars: extraVars = {} } = {}) {
  if (!existsSync(WRANGLER)) throw new Error("Wrangler is not installed: run `npm install` first.");
  const persistDir = mkdtempSync(join(tmpdir(), "parley-bench-"));
  const logFile = join(persistDir, "wrangler.log");
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const secrets = {
    ...Object.fromEntries(requiredSecrets().map((name) => [name, benchSecret(name)])),
    ...extraVars,
  };
  // Secrets from the shell must not leak in; the bench passes its own with --var (which also beats .dev.vars).
  const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" };
  for (const name of Object.keys(secrets)) delete env[name];

  let wrangler = null;
  const stop = async () => {
    if (wrangler) await wrangler.stop();
    wrangler = null;
    rmSync(persistDir, { recursive: true, force: true });
  };
  process.on("exit", () => wrangler?.killNow());
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, () => {
      progress(`${signal}: stopping.`);
      stop().finally(() => process.exit(130));
    });
  }
  const d1Execute = async (sql) => {
    await runToCompletion(
      ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--command", sql],
      logFile,
      env,
    );
  };
  /** Rows of a read query, through `wrangler d1 execute --json` on the same local database. */
  const d1Query = async (sql) => {
    const out = execFileSync(
      process.execPath,
      [WRANGLER, "d1", "execute", "DB", "--local", "--persist-to", persistDir, "--json", "--command", sql],
      { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    return JSON.parse(out)[0]?.results ?? [];
  };
  try {
    progress(`applying migrations into ${persistDir}`);
    await runToCompletion(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], logFile, env);
    if (beforeStart) await beforeStart(d1Execute);
    progress(`starting wrangler dev on ${base}`);
    const vars = Object.entries(secrets).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
    wrangler = new Wrangler(
      [
        "dev",
        "--ip",
        HOST,
        "--port",
        String(port),
        "--persist-to",
        persistDir,
        ...vars,
        // No per-request log lines: logging 10k+ req/s would measure wrangler's console, not the worker.
        "--log-level",
        "warn",
        "--show-interactive-dev-session=false",
        ...extraArgs,
      ],
      logFile,
      env,
    );
    await waitForHealth(base, wrangler);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, adminToken: secrets.ADMIN_TOKEN, wrangler, persistDir, d1Execute, d1Query, stop };
}

/** CPU time (user + system, ms) used so far by the given processes, from /proc. */
export function cpuMs(pids) {
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / ticksPerSecond;
}

export function wranglerVersion() {
  return JSON.parse(readFileSync(join(ROOT, "node_modules", "wrangler", "package.json"), "utf8")).version;
}

/** An enterprise organization with a raised point budget (so a bench measures work, not 429s) and a key. */
export async function createBenchOrganization(worker, pointsPerMinute) {
  const { base, adminToken } = worker;
  const org = await call(
    base,
    "POST",
    "/admin/v1/organizations",
    adminToken,
    { name: "Bench", plan: "enterprise" },
    201,
  );
  const updated = await call(
    base,
    "PATCH",
    `/admin/v1/organizations/${org.id}`,
    adminToken,
    { limits: { pointsPerMinute } },
    200,
  );
  if (updated.limits?.pointsPerMinute !== pointsPerMinute) {
    throw new Error(`The point budget override did not take: ${JSON.stringify(updated.limits)}`);
  }
  const { key } = await call(
    base,
    "POST",
    `/admin/v1/organizations/${org.id}/api-keys`,
    adminToken,
    { name: "bench" },
    201,
  );
  return { orgId: org.id, key };
}

/**
 * Uploads `totalBytes` as a multipart recording; `partBody(n, partSize)` gives part n's bytes (asked once for part 1
 * and once for the others, which reuse it; the last part is cut to size). Returns the completed Recording.
 */
export async function multipartUpload(base, key, { filename, contentType, totalBytes, partBody }) {
  const upload = await call(base, "POST", "/api/v1/recordings/uploads", key, { filename, contentType }, 201);
  const first = partBody(1, upload.partSize);
  const rest = totalBytes > upload.partSize ? partBody(2, upload.partSize) : first;
  const parts = [];
  for (let offset = 0, n = 1; offset < totalBytes; offset += upload.partSize, n++) {
    const full = n === 1 ? first : rest;
    const body = offset + upload.partSize <= totalBytes ? full : full.subarray(0, totalBytes - offset);
    const res = await fetch(`${base}/api/v1/recordings/uploads/${upload.uploadId}/parts/${n}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${key}`, "Content-Length": String(body.length) },
      body,
    });
    const json = await res.json();
    if (res.status !== 200) throw new Error(`part ${n} answered ${res.status}: ${JSON.stringify(json)}`);
    parts.push(json);
  }
  return call(base, "POST", `/api/v1/recordings/uploads/${upload.uploadId}/complete`, key, { parts }, 201);
}
