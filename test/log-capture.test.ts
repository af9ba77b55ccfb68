import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { createOrg } from "./helpers";
import { capturedLogs, discardCapturedLogs, findLeaks } from "./log-capture";

// test/setup/capture-logs.ts checks every test file's logs after its last test; these prove it can fail.
describe("the log capture every workers test file runs under", () => {
  it("records what the worker logs, even while a test silences console with a spy", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const messageId = `m-${crypto.randomUUID()}`;
      const batch = createMessageBatch("storage-jobs", [
        { id: messageId, timestamp: new Date(), attempts: 1, body: { kind: "nonsense" } },
      ]);
      await worker.queue(batch as MessageBatch, env);
      expect(spy).toHaveBeenCalled();
      expect(capturedLogs().some((line) => line.includes(messageId) && line.startsWith("error:"))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it("flags API keys, webhook secrets, signed tokens, Authorization headers and request bodies", async () => {
    const org = await createOrg();
    const created = await org.api("/api/v1/webhooks", {
      method: "POST",
      json: { url: "https://example.com/a-hook-nobody-logs", events: ["*"], description: "private note 0123456789" },
    });
    const { secret } = (await created.json()) as { secret: string };
    const marker = crypto.randomUUID();
    const lines = [
      JSON.stringify({ marker, key: org.key }),
      `${marker} secret ${secret}`,
      `${marker} GET /files/recordings/rec_1?token=eyJyIjoicmVjXzEiLCJlIjoxfQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg`,
      JSON.stringify({ marker, headers: { authorization: "Bearer abc" } }),
      `${marker} body ${JSON.stringify({ url: "https://example.com/a-hook-nobody-logs", events: ["*"], description: "private note 0123456789" })}`,
    ];
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const line of lines) console.warn(line);
    warn.mockRestore();
    const mine = capturedLogs().filter((line) => line.includes(marker));
    expect(mine).toHaveLength(lines.length);
    const leaks = findLeaks(mine);
    for (const kind of [
      "API key",
      "webhook secret",
      "signed token",
      "Authorization header",
      "secret or request body",
    ]) {
      expect(
        leaks.some((leak) => leak.startsWith(`${kind}:`)),
        kind,
      ).toBe(true);
    }
    // The report masks what it found.
    expect(leaks.join("\n")).not.toContain(org.key);
    expect(leaks.join("\n")).not.toContain(secret);
    expect(findLeaks([JSON.stringify({ level: "warn", webhookId: "whk_1", error: "Connection refused" })])).toEqual([]);
    discardCapturedLogs((line) => line.includes(marker));
  });
});
