import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The local webhook receiver (scripts/webhook-receiver.mjs) the test run started. */
      TEST_RECEIVER_URL: string;
      /** The fake OpenAI server (scripts/fake-openai.mjs) the test run started: its default tag's URL, ending in /v1. */
      TEST_OPENAI_URL: string;
    }
  }
}
