import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { admin, call, createOrg, env, problem } from "./helpers";

describe("operator API", () => {
  it("answers 401 on every admin route when ADMIN_TOKEN is not configured", async () => {
    const app = createApp();
    for (const [method, path] of [
      ["GET", "/admin/v1/organizations"],
      ["POST", "/admin/v1/organizations"],
      ["GET", "/admin/v1/organizations/org_x"],
      ["PATCH", "/admin/v1/organizations/org_x"],
      ["POST", "/admin/v1/organizations/org_x/api-keys"],
      ["GET", "/admin/v1/organizations/org_x/api-keys/key_x"],
    ]) {
      const req = new Request(`https://parley.test${path}`, {
        method,
        headers: { authorization: "Bearer ", "content-type": "application/json" },
        body: method === "GET" ? null : "{}",
      });
      const res = await app.fetch(req, { ...env, ADMIN_TOKEN: "" }, createExecutionContext());
      expect(res.status).toBe(401);
      expect((await problem(res)).detail).toContain("ADMIN_TOKEN is not configured");
    }
  });

  it("answers 401 for a wrong or missing operator token", async () => {
    expect((await call("/admin/v1/organizations")).status).toBe(401);
    const wrong = await call("/admin/v1/organizations", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("creates, reads, lists and updates organizations", async () => {
    const res = await admin("/admin/v1/organizations", { method: "POST", json: { name: "Acme", plan: "starter" } });
    expect(res.status).toBe(201);
    const org = (await res.json()) as Record<string, unknown>;
    expect(org).toMatchObject({
      name: "Acme",
      plan: "starter",
      status: "active",
      cancelledAt: null,
      limits: { pointsPerMinute: 100, aiGenerationsPerMonth: 10, apiKeys: 1, webhookEndpoints: 0 },
    });
    expect(org.id).toMatch(/^org_/);
    expect(await (await admin(`/admin/v1/organizations/${org.id}`)).json()).toEqual(org);

    const patched = await admin(`/admin/v1/organizations/${org.id}`, {
      method: "PATCH",
      json: { name: "Acme Inc", plan: "enterprise", limits: { pointsPerMinute: 5000, apiKeys: "unlimited" } },
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { limits: unknown }).limits).toEqual({
      pointsPerMinute: 5000,
      aiGenerationsPerMonth: null,
      apiKeys: null,
      webhookEndpoints: null,
    });
    const reset = await admin(`/admin/v1/organizations/${org.id}`, {
      method: "PATCH",
      json: { limits: { pointsPerMinute: null } },
    });
    expect(((await reset.json()) as { limits: { pointsPerMinute: number } }).limits.pointsPerMinute).toBe(2000);

    const cancelled = (await (
      await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status: "cancelled" } })
    ).json()) as { cancelledAt: string | null };
    expect(cancelled.cancelledAt).toMatch(/Z$/);

    const list = (await (await admin("/admin/v1/organizations?limit=100")).json()) as { results: { id: string }[] };
    expect(list.results.some((o) => o.id === org.id)).toBe(true);
  });

  it("tells a limit override from the plan default: a number or unlimited overrides, null goes back", async () => {
    const org = await createOrg("starter");
    const patch = async (limits: Record<string, unknown>, plan?: string) => {
      const res = await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { limits, plan } });
      expect(res.status).toBe(200);
      return (await res.json()) as { limits: Record<string, number | null>; limitOverrides: Record<string, unknown> };
    };
    const fresh = (await (await admin(`/admin/v1/organizations/${org.id}`)).json()) as { limitOverrides: unknown };
    expect(fresh.limitOverrides).toEqual({});

    const overridden = await patch({ apiKeys: "unlimited", aiGenerationsPerMonth: 50 });
    expect(overridden.limits).toEqual({
      pointsPerMinute: 100,
      aiGenerationsPerMonth: 50,
      apiKeys: null,
      webhookEndpoints: 0,
    });
    expect(overridden.limitOverrides).toEqual({ apiKeys: "unlimited", aiGenerationsPerMonth: 50 });

    // On enterprise, apiKeys is unlimited by the override and webhookEndpoints by the plan: the view tells which.
    const enterprise = await patch({}, "enterprise");
    expect(enterprise.limits).toMatchObject({ apiKeys: null, webhookEndpoints: null, aiGenerationsPerMonth: 50 });
    expect(enterprise.limitOverrides).toEqual({ apiKeys: "unlimited", aiGenerationsPerMonth: 50 });

    const back = await patch({ apiKeys: null });
    expect(back.limits.apiKeys).toBe(10);
    expect(back.limitOverrides).toEqual({ aiGenerationsPerMonth: 50 });
    const list = (await (await admin("/admin/v1/organizations?limit=100")).json()) as {
      results: { id: string; limitOverrides: unknown }[];
    };
    expect(list.results.find((o) => o.id === org.id)?.limitOverrides).toEqual({ aiGenerationsPerMonth: 50 });

    // The customer's own view shows effective limits only (null = unlimited).
    const self = (await (await org.api("/api/v1/organization")).json()) as Record<string, unknown>;
    expect(self.limits).toMatchObject({ apiKeys: 10, aiGenerationsPerMonth: 50 });
    expect(self).not.toHaveProperty("limitOverrides");

    const budget = await admin(`/admin/v1/organizations/${org.id}`, {
      method: "PATCH",
      json: { limits: { pointsPerMinute: "unlimited" } },
    });
    expect(budget.status).toBe(400);
    expect(((await problem(budget)).errors as { location: string }[])[0]?.location).toBe("body.limits.pointsPerMinute");
  });

  it("validates operator input and 404s unknown organizations", async () => {
    const bad = await admin("/admin/v1/organizations", { method: "POST", json: { name: "x", plan: "gold" } });
    expect(bad.status).toBe(400);
    expect(((await problem(bad)).errors as { location: string }[])[0]?.location).toBe("body.plan");
    const zero = await admin("/admin/v1/organizations/org_nope", {
      method: "PATCH",
      json: { limits: { pointsPerMinute: 0 } },
    });
    expect(zero.status).toBe(400);
    expect((await admin("/admin/v1/organizations/org_nope")).status).toBe(404);
    const keyForNobody = await admin("/admin/v1/organizations/org_nope/api-keys", {
      method: "POST",
      json: { name: "k" },
    });
    expect(keyForNobody.status).toBe(404);
  });

  it("applies a point-budget override on the organization's next request", async () => {
    const org = await createOrg("starter");
    const before = await org.api("/api/v1/organization");
    expect(before.headers.get("x-ratelimit-limit")).toBe("100");
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { limits: { pointsPerMinute: 7 } } });
    const after = await org.api("/api/v1/organization");
    expect(after.headers.get("x-ratelimit-limit")).toBe("7");
    expect(((await after.json()) as { limits: { pointsPerMinute: number } }).limits.pointsPerMinute).toBe(7);
  });
});
