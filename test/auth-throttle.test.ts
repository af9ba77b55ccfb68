import { describe, expect, it } from "vitest";
import { generateApiKey } from "../src/lib/api-key-token";
import { AUTH_FAILURES_PER_MINUTE } from "../src/middleware/auth";
import { call, createOrg, problem } from "./helpers";

const randomIp = () => `198.51.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
const fromIp = (ip: string, key: string) =>
  call("/api/v1/organization", { headers: { authorization: `Bearer ${key}`, "cf-connecting-ip": ip } });

/**
 * Sends unknown keys from `ip` until one is answered 429. The limiter's minute is aligned to the clock,
 * so a run that straddles a minute boundary may need up to twice the limit.
 */
async function failUntilThrottled(ip: string) {
  for (let failures = 0; failures <= 2 * AUTH_FAILURES_PER_MINUTE; failures++) {
    const res = await fromIp(ip, generateApiKey());
    if (res.status === 429) return { failures, res };
    expect(res.status).toBe(401);
  }
  throw new Error(`no 429 after ${2 * AUTH_FAILURES_PER_MINUTE + 1} failed attempts`);
}

describe("failed authentication throttle", () => {
  it(`answers 429 rate_limited with Retry-After after ${AUTH_FAILURES_PER_MINUTE} failures a minute from one client`, async () => {
    const { failures, res } = await failUntilThrottled(randomIp());
    expect(failures).toBeGreaterThanOrEqual(AUTH_FAILURES_PER_MINUTE);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await problem(res);
    expect(body.code).toBe("rate_limited");
    expect(body.detail).toMatch(/failed authentication/i);
    expect(body.msLeft).toBe(retryAfter * 1000);
    expect(res.headers.get("www-authenticate")).toBeNull();

    // Other clients are not affected.
    expect((await fromIp(randomIp(), generateApiKey())).status).toBe(401);
  });

  it("decides a throttled client's next attempts without a D1 lookup, yet keeps cached keys working", async () => {
    const org = await createOrg("professional");
    expect((await fromIp(randomIp(), org.key)).status).toBe(200); // now cached in this isolate
    const fresh = await createOrg("professional"); // a real key this isolate has never looked up
    const ip = randomIp();
    await failUntilThrottled(ip);

    // Were the key looked up, it would be found and admitted: a 429 shows nothing was asked of D1.
    const refused = await fromIp(ip, fresh.key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await fromIp(ip, org.key)).status).toBe(200);
    expect((await fromIp(randomIp(), fresh.key)).status).toBe(200);
  });

  it("is described in the OpenAPI document", async () => {
    const document = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const description = document.paths["/api/v1/organization"]?.get?.responses["429"]?.description;
    expect(description).toContain(`more than ${AUTH_FAILURES_PER_MINUTE} failed authentications`);
  });
});
