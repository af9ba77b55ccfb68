import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { orgGate } from "../src/services/org-gate";
import { advanceGateClock } from "./gate-clock";
import { createOrg, env, problem } from "./helpers";

function parseRateLimit(res: Response) {
  const policy = res.headers.get("ratelimit-policy") ?? "";
  const current = res.headers.get("ratelimit") ?? "";
  return {
    limit: Number(res.headers.get("x-ratelimit-limit")),
    remaining: Number(res.headers.get("x-ratelimit-remaining")),
    reset: Date.parse(res.headers.get("x-ratelimit-reset") ?? ""),
    q: Number(policy.match(/q=(\d+)/)?.[1]),
    w: Number(policy.match(/w=(\d+)/)?.[1]),
    r: Number(current.match(/r=(\d+)/)?.[1]),
    t: Number(current.match(/t=(\d+)/)?.[1]),
  };
}

/** Kills the organization's gate instance the way a crash would: no alarm, no graceful shutdown. */
async function crash(stub: ReturnType<typeof orgGate>) {
  await runInDurableObject(stub, (_instance, state) => state.abort("simulated crash")).catch(() => {});
}

describe("point budget", () => {
  it("admits exactly 100 of 200 concurrent GETs against a 100-point budget", async () => {
    const org = await createOrg("starter");
    const responses = await Promise.all(Array.from({ length: 200 }, () => org.api("/api/v1/organization")));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100);
    const refused = responses.find((r) => r.status === 429) as Response;
    expect((await problem(refused)).code).toBe("rate_limited");
  });

  it("never overspends with mixed costs (GET 1, DELETE 2, POST 3)", async () => {
    const org = await createOrg("starter");
    const calls = Array.from({ length: 90 }, (_, i) => {
      if (i % 3 === 0) return org.api("/api/v1/organization").then((r) => ({ r, cost: 1 }));
      if (i % 3 === 1)
        return org.api("/api/v1/api-keys/key_missing", { method: "DELETE" }).then((r) => ({ r, cost: 2 }));
      return org.api("/api/v1/api-keys", { method: "POST", json: {} }).then((r) => ({ r, cost: 3 }));
    });
    const results = await Promise.all(calls);
    const spent = results.filter(({ r }) => r.status !== 429).reduce((sum, { cost }) => sum + cost, 0);
    expect(spent).toBeLessThanOrEqual(100);
    expect(spent).toBeGreaterThan(95);
    expect(results.some(({ r }) => r.status === 429)).toBe(true);
    const after = await org.api("/api/v1/organization");
    if (after.status === 200) expect(parseRateLimit(after).remaining).toBe(100 - spent - 1);
  });

  it("charges nothing for a refused request", async () => {
    const org = await createOrg("starter", { limits: { pointsPerMinute: 4 } });
    const first = await org.api("/api/v1/api-keys/key_missing", { method: "DELETE" }); // 2 → 2 left
    expect(parseRateLimit(first).remaining).toBe(2);
    const post = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "x" } }); // 3 > 2
    expect(post.status).toBe(429);
    expect(parseRateLimit(post).remaining).toBe(2);
    const get = await org.api("/api/v1/organization");
    expect(get.status).toBe(200);
    expect(parseRateLimit(get).remaining).toBe(1);
  });

  it("sends headers that agree with each other and with the body", async () => {
    const org = await createOrg("starter", { limits: { pointsPerMinute: 3 } });
    const ok = await org.api("/api/v1/organization");
    const h = parseRateLimit(ok);
    const body = (await ok.json()) as { usage: { points: { limit: number; remaining: number; resetAt: string } } };
    expect(h).toMatchObject({ limit: 3, q: 3, w: 60, remaining: 2, r: 2 });
    expect(body.usage.points.limit).toBe(3);
    expect(body.usage.points.remaining).toBe(2);
    expect(Math.floor(Date.parse(body.usage.points.resetAt) / 1000)).toBe(h.reset / 1000);
    expect(h.t).toBeGreaterThan(55);
    expect(h.t).toBeLessThanOrEqual(60);

    await org.api("/api/v1/organization");
    await org.api("/api/v1/organization");
    const refused = await org.api("/api/v1/organization");
    expect(refused.status).toBe(429);
    const rh = parseRateLimit(refused);
    const problemBody = await problem(refused);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(rh).toMatchObject({ limit: 3, remaining: 0, r: 0 });
    expect(retryAfter).toBe(Math.ceil((problemBody.msLeft as number) / 1000));
    expect(retryAfter).toBeGreaterThanOrEqual(rh.t);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("rolls: points spent more than 60 s ago are available again, and the budget survives eviction", async () => {
    const org = await createOrg("starter", { limits: { pointsPerMinute: 2 } });
    await org.api("/api/v1/organization");
    await org.api("/api/v1/organization");
    expect((await org.api("/api/v1/organization")).status).toBe(429);

    const stub = orgGate(env, org.id);
    await evictDurableObject(stub);
    expect((await org.api("/api/v1/organization")).status).toBe(429); // persisted, not just in memory

    await evictDurableObject(stub);
    // Reservations are dated a few seconds ahead of the spends they cover: two minutes on is past any window.
    await advanceGateClock(org.id, 120_000);
    const rolled = await org.api("/api/v1/organization");
    expect(rolled.status).toBe(200);
    expect(parseRateLimit(rolled).remaining).toBe(1);
  });

  it("remembers spending across a crash right after a burst, without the write-behind alarm", async () => {
    const org = await createOrg("starter"); // 100 points a minute
    const burst = await Promise.all(Array.from({ length: 60 }, () => org.api("/api/v1/organization")));
    expect(burst.every((r) => r.status === 200)).toBe(true);

    const stub = orgGate(env, org.id);
    await crash(stub);
    const after = await Promise.all(Array.from({ length: 100 }, () => org.api("/api/v1/organization")));
    const admitted = after.filter((r) => r.status === 200).length;
    expect(admitted).toBeLessThanOrEqual(40); // a crash may over-count, never under-count
    expect(admitted).toBeGreaterThan(0);

    await crash(stub);
    expect((await org.api("/api/v1/organization")).status).toBe(429);
  });

  it("keeps the gate's clock out of reach of RPC (only tests in this isolate can move it)", async () => {
    const org = await createOrg("starter");
    const stub = orgGate(env, org.id) as unknown as { now: () => Promise<number> };
    await expect(Promise.resolve().then(() => stub.now())).rejects.toThrow(/prototype does not implement "now"/);
    const gateNow = await runInDurableObject(orgGate(env, org.id), (gate) => gate.now());
    expect(Math.abs(gateNow - Date.now())).toBeLessThan(60_000);
  });

  it("is shared by all keys of an organization", async () => {
    const org = await createOrg("professional", { limits: { pointsPerMinute: 10 } });
    const second = (await (await org.api("/api/v1/api-keys", { method: "POST", json: { name: "second" } })).json()) as {
      key: string;
    };
    const res = await org.api("/api/v1/organization", { headers: {} });
    expect(parseRateLimit(res).remaining).toBe(6);
    const viaSecond = await (await import("./helpers")).withKey(second.key)("/api/v1/organization");
    expect(parseRateLimit(viaSecond).remaining).toBe(5);
  });
});
