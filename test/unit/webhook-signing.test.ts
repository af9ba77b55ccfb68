import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { parseRetryAfter, RETRY_DELAYS_MS, retryDelayMs } from "../../src/services/webhook-deliveries";
import { newWebhookSecret, signWebhook } from "../../src/services/webhook-signing";

describe("Standard Webhooks signing", () => {
  it("reproduces the specification's known-answer vector", async () => {
    const signature = await signWebhook(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], {
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestampSeconds: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("signs so the reference verifier accepts either secret during a rotation, and nothing else", async () => {
    const [current, previous, stranger] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
    expect(current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: "meeting.created", timestamp: new Date().toISOString(), data: {} });
    const timestampSeconds = Math.floor(Date.now() / 1000);
    const signature = await signWebhook([current, previous], { id: "evt_1", timestampSeconds, body });
    expect(signature.split(" ")).toHaveLength(2);
    const headers = {
      "webhook-id": "evt_1",
      "webhook-timestamp": String(timestampSeconds),
      "webhook-signature": signature,
    };
    expect(new Webhook(current).verify(body, headers)).toMatchObject({ type: "meeting.created" });
    expect(new Webhook(previous).verify(body, headers)).toMatchObject({ type: "meeting.created" });
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });
});

describe("retry schedule", () => {
  it("waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with up to 20 % jitter", () => {
    expect(RETRY_DELAYS_MS).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    RETRY_DELAYS_MS.forEach((base, i) => {
      expect(retryDelayMs(i + 1, null, () => 0)).toBe(base);
      expect(retryDelayMs(i + 1, null, () => 1)).toBe(base * 1.2);
    });
  });

  it("never retries sooner than Retry-After asks, capped at a day", () => {
    expect(retryDelayMs(1, 60_000, () => 0)).toBe(60_000);
    expect(retryDelayMs(3, 60_000, () => 0)).toBe(1_800_000);
    expect(retryDelayMs(1, 10 * 86_400_000, () => 0)).toBe(86_400_000);
    const now = Date.parse("2026-11-21T16:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 16:05:00 GMT", now)).toBe(300_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
