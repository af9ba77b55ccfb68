import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook as Verifier } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { reencryptSecrets } from "../src/cron/reencrypt-secrets";
import { secretsKeyring } from "../src/env";
import worker from "../src/index";
import { SecretsKeyring } from "../src/lib/secrets-at-rest";
import { secretContext } from "../src/services/webhooks";
import { captureErrorLogs, createOrg, problem, type TestOrg } from "./helpers";

// vitest.config.ts pins SECRETS_KEY="t2:…,t1:…": t2 encrypts, t1 still decrypts.
const [T2, T1] = env.SECRETS_KEY.split(",") as [string, string];
const T3 = `t3:${btoa("a-third-key-nobody-has-used-yet!")}`;

interface EndpointRow {
  secret: string;
  previous_secret: string | null;
}
const endpointRow = (id: string) =>
  env.DB.prepare("SELECT secret, previous_secret FROM webhook_endpoints WHERE id = ?").bind(id).first<EndpointRow>();

async function createEndpoint(org: TestOrg, url = `${env.TEST_RECEIVER_URL}/hooks/${crypto.randomUUID()}`) {
  const res = await org.api("/api/v1/webhooks", { method: "POST", json: { url, events: ["*"] } });
  expect(res.status).toBe(201);
  return { ...((await res.json()) as { id: string; secret: string }), url };
}

/** Sends one test event to the endpoint through the queue (signed by the consumer); the request the receiver got. */
async function deliver(org: TestOrg, endpoint: { id: string; url: string }) {
  expect((await org.api(`/api/v1/webhooks/${endpoint.id}/test`, { method: "POST" })).status).toBe(202);
  const inbox = `${env.TEST_RECEIVER_URL}/__deliveries/${endpoint.url.split("/").at(-1)}`;
  const received = async () =>
    (await (await fetch(inbox)).json()) as { headers: Record<string, string>; body: string }[];
  await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBeGreaterThan(0);
  return (await received())[0] as { headers: Record<string, string>; body: string };
}

describe("webhook secrets at rest (SPEC §9)", () => {
  it("stores secrets encrypted under the current key, never in plaintext, also after a rotation", async () => {
    const org = await createOrg();
    const endpoint = await createEndpoint(org);
    const rotated = (await (
      await org.api(`/api/v1/webhooks/${endpoint.id}/rotate-secret`, { method: "POST" })
    ).json()) as { secret: string };
    const row = await endpointRow(endpoint.id);
    for (const stored of [row?.secret, row?.previous_secret]) {
      expect(stored).toMatch(/^v1\.t2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      for (const plain of [endpoint.secret, rotated.secret]) {
        expect(stored).not.toContain(plain);
        expect(stored).not.toContain(plain.slice("whsec_".length, -1));
      }
    }
    // Both still sign: the standardwebhooks verifier accepts the delivery with either.
    const delivery = await deliver(org, endpoint);
    expect(new Verifier(rotated.secret).verify(delivery.body, delivery.headers)).toMatchObject({
      type: "webhook.test",
    });
    expect(new Verifier(endpoint.secret).verify(delivery.body, delivery.headers)).toBeTruthy();
  });

  it("keeps signing across a SECRETS_KEY rotation, and the sweep moves old and plaintext secrets to the new key", async () => {
    const org = await createOrg();
    const underOldKey = await createEndpoint(org);
    const legacy = await createEndpoint(org);
    // As written before the rotation (key t1 only) and before encryption existed (plaintext).
    const t1Only = await SecretsKeyring.create(T1);
    await env.DB.prepare("UPDATE webhook_endpoints SET secret = ? WHERE id = ?")
      .bind(await t1Only.encrypt(underOldKey.secret, secretContext(underOldKey.id)), underOldKey.id)
      .run();
    await env.DB.prepare("UPDATE webhook_endpoints SET secret = ? WHERE id = ?").bind(legacy.secret, legacy.id).run();

    for (const endpoint of [underOldKey, legacy]) {
      const delivery = await deliver(org, endpoint);
      expect(new Verifier(endpoint.secret).verify(delivery.body, delivery.headers)).toBeTruthy();
    }

    const captured = captureErrorLogs();
    let moved = 0;
    for (let run = 0; run < 20; run++) {
      const { reencrypted } = await reencryptSecrets(env, Date.now());
      if (reencrypted === 0) break;
      moved += reencrypted;
    }
    expect(captured()).toEqual([]);
    expect(moved).toBeGreaterThanOrEqual(2);
    const t2Only = await SecretsKeyring.create(T2);
    for (const endpoint of [underOldKey, legacy]) {
      const stored = (await endpointRow(endpoint.id))?.secret as string;
      expect(stored.startsWith("v1.t2.")).toBe(true);
      // Readable without the old key: t1 can now be dropped from SECRETS_KEY.
      expect(await t2Only.decrypt(stored, secretContext(endpoint.id))).toBe(endpoint.secret);
    }
    expect((await reencryptSecrets(env, Date.now())).reencrypted).toBe(0);
  });

  it("fails clearly, never falling back to plaintext, when SECRETS_KEY is missing, malformed or lacks the key", async () => {
    const captured = captureErrorLogs();
    const org = await createOrg();
    for (const [value, detail] of [
      ["", /SECRETS_KEY secret is not set/],
      ["k1:c2hvcnQ=", /SECRETS_KEY key k1 is not the base64 of 32 bytes/],
      ["no-colon-here", /SECRETS_KEY entry 1 is not <id>:<base64 of 32 bytes>/],
    ] as const) {
      const request = new Request("https://parley.test/api/v1/webhooks", {
        method: "POST",
        headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json" },
        body: JSON.stringify({ url: "https://example.com/hook", events: ["*"] }),
      });
      const res = await worker.fetch(request, { ...env, SECRETS_KEY: value }, createExecutionContext());
      expect(res.status).toBe(500);
      const body = await problem(res);
      expect(body.detail).toMatch(detail);
      expect(JSON.stringify(body)).not.toContain("c2hvcnQ");
    }
    const count = await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints WHERE org_id = ?")
      .bind(org.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
    expect(captured().map((line) => line.setting)).toContain("SECRETS_KEY");

    const endpoint = await createEndpoint(org);
    const stored = (await endpointRow(endpoint.id))?.secret as string;
    const withoutT2 = await SecretsKeyring.create(`${T3},${T1}`);
    await expect(withoutT2.decrypt(stored, secretContext(endpoint.id))).rejects.toThrow(
      /key t2, which SECRETS_KEY no longer lists/,
    );
    const wrongBytes = await SecretsKeyring.create(`t2:${btoa("not-the-key-t2-was-made-with-!!!")}`);
    await expect(wrongBytes.decrypt(stored, secretContext(endpoint.id))).rejects.toThrow(
      /does not decrypt under SECRETS_KEY's key t2/,
    );
    // Bound to its row: the same ciphertext in another endpoint does not decrypt.
    const keyring = await secretsKeyring(env);
    await expect(keyring.decrypt(stored, secretContext("whk_other"))).rejects.toThrow(/does not decrypt/);
    await expect(keyring.decrypt("plain-but-not-a-webhook-secret", secretContext(endpoint.id))).rejects.toThrow(
      /neither encrypted/,
    );
  });
});
