import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startReceiver } from "./scripts/webhook-receiver.mjs";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  // A real HTTP receiver for webhook deliveries; tests program and read it over HTTP.
  const receiver = await startReceiver();
  receiver.server.unref();
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
                  ROOM_KEY_SECRET: "test-room-key-secret-0123456789abcdef",
                  FILE_TOKEN_SECRET: "test-file-token-secret-0123456789abcdef",
                  OPENAI_API_KEY: "",
                  ALLOW_INSECURE_WEBHOOKS: "true",
                  TEST_RECEIVER_URL: receiver.url,
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**"],
            setupFiles: ["./test/setup/apply-migrations.ts"],
          },
        },
        {
          test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node" },
        },
      ],
    },
  };
});
