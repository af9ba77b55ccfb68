import { describe, expect, it } from "vitest";
import { generateApiKey } from "../src/lib/api-key-token";
import { admin, call, createOrg, problem } from "./helpers";

describe("authentication", () => {
  const cases: [string, Record<string, string>][] = [
    ["missing header", {}],
    ["not a bearer token", { authorization: "Basic dXNlcjpwYXNz" }],
    ["malformed key", { authorization: "Bearer prl_short" }],
    ["bad checksum", { authorization: `Bearer ${generateApiKey().slice(0, -1)}0` }],
    ["well-formed but unknown key", { authorization: `Bearer ${generateApiKey()}` }],
  ];
  for (const [name, headers] of cases) {
    it(`answers 401 with WWW-Authenticate for a ${name}`, async () => {
      const res = await call("/api/v1/organization", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="parley"/);
      const body = await problem(res);
      expect(body).toMatchObject({ code: "unauthorized", title: "Unauthorized", instance: "/api/v1/organization" });
      expect(body.requestId).toBe(res.headers.get("x-request-id"));
      expect(res.headers.get("x-ratelimit-limit")).toBeNull();
    });
  }

  it("refuses the free plan with a detail that says why", async () => {
    const org = await createOrg("starter");
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { plan: "free" } });
    const res = await org.api("/api/v1/organization");
    expect(res.status).toBe(403);
    const body = await problem(res);
    expect(body.code).toBe("forbidden");
    expect(body.detail).toMatch(/free plan has no API access/);
  });

  it("refuses suspended and cancelled organizations, and lets them back when reactivated", async () => {
    const org = await createOrg("professional");
    for (const status of ["suspended", "cancelled"] as const) {
      await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status } });
      const res = await org.api("/api/v1/organization");
      expect(res.status).toBe(403);
      expect(res.headers.get("x-ratelimit-limit")).toMatch(/^\d+$/);
      expect(res.headers.get("ratelimit-policy")).toContain('"points"');
      expect((await problem(res)).detail).toContain(status);
    }
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status: "active" } });
    expect((await org.api("/api/v1/organization")).status).toBe(200);
  });

  it("enforces scopes: a read-only key can read but not write", async () => {
    const org = await createOrg("professional", { scopes: ["read"] });
    expect((await org.api("/api/v1/organization")).status).toBe(200);
    const writeOnly = await createOrg("professional", { scopes: ["write"] });
    const res = await writeOnly.api("/api/v1/organization");
    expect(res.status).toBe(403);
    expect((await problem(res)).detail).toContain("`read`");
  });

  it("does not let a key of one organization see another's data", async () => {
    const a = await createOrg("professional");
    const b = await createOrg("professional");
    const bodyA = (await (await a.api("/api/v1/organization")).json()) as { id: string };
    const bodyB = (await (await b.api("/api/v1/organization")).json()) as { id: string };
    expect(bodyA.id).toBe(a.id);
    expect(bodyB.id).toBe(b.id);
  });
});
