import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, type Plugin } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { startFakeOpenAi } from "./scripts/fake-openai.mjs";
import { vendorAssets } from "./scripts/vendor-assets.mjs";
import { startReceiver } from "./scripts/webhook-receiver.mjs";

// This file runs in Node; the project's types are the Workers runtime's, which have no `process`.
declare const process: { env: Record<string, string | undefined> };

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

/** Test values for every secret `[secrets] required` lists in wrangler.toml. */
const TEST_SECRETS: Record<string, string> = {
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  ROOM_KEY_SECRET: "test-room-key-secret-0123456789abcdef",
  FILE_TOKEN_SECRET: "test-file-token-secret-0123456789abcdef",
  // Two keys, as during a rotation: t2 encrypts, t1 still decrypts.
  SECRETS_KEY: `t2:${btoa("test-secrets-key-2-0123456789abc")},t1:${btoa("test-secrets-key-1-0123456789abc")}`,
  OPENAI_API_KEY: "",
};

/**
 * Every var and secret the worker reads, pinned for tests. Wrangler also loads a developer's `.dev.vars`
 * (or `.env` files and the shell's environment) for these names; pinned values win over all of them, so
 * tests never depend on files or variables on the machine that runs them.
 */
function pinnedBindings(): Record<string, string> {
  const config = unstable_readConfig({ config: "./wrangler.toml" });
  const required = config.secrets?.required ?? [];
  const unpinned = required.filter((name: string) => !(name in TEST_SECRETS));
  if (unpinned.length > 0) throw new Error(`vitest.config.ts: add test values for ${unpinned.join(", ")}`);
  const vars = Object.fromEntries(Object.entries(config.vars).map(([name, value]) => [name, String(value)]));
  return { ...vars, ...TEST_SECRETS };
}

/**
 * Drops the source maps of packages that ship maps without the sources they name (Vite warns about
 * each one as it loads it); an empty mapping is Vite's way to say "no source map".
 */
function withoutSourceMaps(packages: string[]): Plugin {
  return {
    name: "parley:without-source-maps",
    transform(code, id) {
      if (!packages.some((name) => id.includes(`/node_modules/${name}/`))) return null;
      // Vite keeps the loaded map when a transform returns the code unchanged, hence the newline.
      return { code: `${code}\n`, map: { mappings: "" } };
    },
  };
}

export default defineConfig(async () => {
  // Wrangler reports which secret files it read and which secrets they lack; tests pin all of them, so
  // those lines are noise here (WRANGLER_LOG=log npm test shows them again).
  process.env.WRANGLER_LOG ??= "error";
  vendorAssets(); // public/vendor/, which the static assets serve (wrangler's build command does this for dev)
  const migrations = await readD1Migrations("./migrations");
  // A real HTTP receiver for webhook deliveries; tests program and read it over HTTP.
  const receiver = await startReceiver();
  receiver.server.unref();
  // A fake OpenAI-compatible server; the AI code under test talks to it over HTTP, never to OpenAI.
  const openai = await startFakeOpenAi();
  openai.server.unref();
  return {
    test: {
      projects: [
        {
          plugins: [
            withoutSourceMaps(["standardwebhooks"]),
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  ...pinnedBindings(),
                  TEST_MIGRATIONS: migrations,
                  ALLOW_INSECURE_WEBHOOKS: "true",
                  TEST_RECEIVER_URL: receiver.url,
                  TEST_OPENAI_URL: openai.url,
                  OPENAI_BASE_URL: openai.url,
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**", "test/browser/**"],
            setupFiles: ["./test/setup/apply-migrations.ts", "./test/setup/capture-logs.ts"],
            // Tests assert behaviour, never speed (that is bench/'s job): a loaded CI machine must not fail them on time.
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
        {
          // The typed client from its sources, so a fresh clone's tests need no build of clients/typescript.
          resolve: {
            alias: {
              "@parley/client": fileURLToPath(new URL("./clients/typescript/src/index.ts", import.meta.url).href),
            },
          },
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            // client.test.ts starts wrangler dev and waits out a 429's Retry-After.
            hookTimeout: 180_000,
            testTimeout: 60_000,
          },
        },
        {
          // The dashboard in a real browser: Chromium (playwright-core) against `wrangler dev` on a free port.
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            testTimeout: 120_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
