import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
/** What `npm run dev` needs of a fresh clone (node_modules is linked, not copied). */
const CHECKOUT = ["scripts", "src", "migrations", "public", "wrangler.toml", "package.json", "tsconfig.json"];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let dir = "";
let dev: ChildProcess | undefined;

afterAll(async () => {
  if (dev?.pid && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev?.once("exit", resolve));
    process.kill(-dev.pid, "SIGTERM"); // the script forwards it to wrangler's process group
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm run dev on a fresh checkout", () => {
  it("creates .dev.vars and the dev state, and prints a working dashboard invitation link", async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-dev-"));
    for (const entry of CHECKOUT) {
      if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    }
    rmSync(join(dir, ".dev.vars"), { force: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    const port = await freePort();
    dev = spawn(process.execPath, [join(dir, "scripts", "dev.mjs")], {
      cwd: dir,
      detached: true,
      env: { ...process.env, PORT: String(port), CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    dev.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    dev.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    const banner = /Dashboard\s+: (http:\/\/127\.0\.0\.1:\d+\/dashboard\/invitation\?token=\S+)/;
    const deadline = Date.now() + 150_000;
    while (!banner.test(output) && dev.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(output, output).toMatch(banner);
    expect(output).toContain("Created .dev.vars");
    expect(output).toContain("(created .wrangler/parley-dev.json)");
    expect(output).toContain("invitation for owner@parley.localhost");
    const link = output.match(banner)?.[1] ?? "";
    expect(link.startsWith(`http://127.0.0.1:${port}/`)).toBe(true);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Accept the invitation");
  }, 200_000);
});
