import { describe, expect, it } from "vitest";
import { admin, createOrg, env, problem } from "./helpers";

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and request, creating only one key", async () => {
    const org = await createOrg("enterprise");
    const send = () =>
      org.api("/api/v1/api-keys", { method: "POST", headers: { "idempotency-key": "abc-1" }, json: { name: "once" } });
    const first = await send();
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await first.json();
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE org_id = ? AND name = 'once'")
      .bind(org.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("treats the same parameters in another JSON layout as the same request", async () => {
    const org = await createOrg("enterprise");
    const headers = { "idempotency-key": "layout-1", "content-type": "application/json" };
    const first = await org.api("/api/v1/api-keys", {
      method: "POST",
      headers,
      body: '{"name":"same","scopes":["read"]}',
    });
    const again = await org.api("/api/v1/api-keys", {
      method: "POST",
      headers,
      body: '{ "scopes": ["read"],\n  "name": "same" }',
    });
    expect(again.status).toBe(first.status);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("answers 422 when the key is reused for a different request", async () => {
    const org = await createOrg("enterprise");
    const headers = { "idempotency-key": "abc-2" };
    await org.api("/api/v1/api-keys", { method: "POST", headers, json: { name: "a" } });
    const res = await org.api("/api/v1/api-keys", { method: "POST", headers, json: { name: "b" } });
    expect(res.status).toBe(422);
    expect((await problem(res)).code).toBe("idempotency_key_reused");
  });

  it("answers 409 to a concurrent duplicate while the first is in flight, and creates one key", async () => {
    const org = await createOrg("enterprise");
    const headers = { "idempotency-key": "abc-3" };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => org.api("/api/v1/api-keys", { method: "POST", headers, json: { name: "race" } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = await Promise.all(
      results.filter((r) => r.status === 201).map((r) => r.json() as Promise<{ id: string }>),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(1);
    const conflict = results.find((r) => r.status === 409);
    if (conflict) expect((await problem(conflict)).code).toBe("conflict");
  });

  it("scopes keys per organization", async () => {
    const a = await createOrg("enterprise");
    const b = await createOrg("enterprise");
    const headers = { "idempotency-key": "shared-key" };
    const ra = await a.api("/api/v1/api-keys", { method: "POST", headers, json: { name: "same" } });
    const rb = await b.api("/api/v1/api-keys", { method: "POST", headers, json: { name: "same" } });
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.headers.get("idempotent-replayed")).toBeNull();
    expect(((await ra.json()) as { id: string }).id).not.toBe(((await rb.json()) as { id: string }).id);
  });

  it("does not keep a transient failure: a retry after 429 runs again", async () => {
    const org = await createOrg("enterprise", { limits: { pointsPerMinute: 3 } });
    const headers = { "idempotency-key": "abc-4" };
    await org.api("/api/v1/organization");
    const limited = await org.api("/api/v1/api-keys", { method: "POST", headers, json: { name: "later" } });
    expect(limited.status).toBe(429);
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { limits: { pointsPerMinute: 100 } } });
    const retried = await org.api("/api/v1/api-keys", { method: "POST", headers, json: { name: "later" } });
    expect(retried.status).toBe(201);
  });

  it("replays a 204 response without a body", async () => {
    const org = await createOrg("enterprise");
    const send = () =>
      org.api("/api/v1/recordings/bulk-delete", {
        method: "POST",
        headers: { "idempotency-key": "bulk-1" },
        json: { recordingIds: ["rec_unknown"] },
      });
    expect((await send()).status).toBe(204);
    const again = await send();
    expect(again.status).toBe(204);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe("");
  });

  it("rejects keys longer than 255 characters", async () => {
    const org = await createOrg("enterprise");
    const res = await org.api("/api/v1/api-keys", {
      method: "POST",
      headers: { "idempotency-key": "k".repeat(256) },
      json: { name: "x" },
    });
    expect(res.status).toBe(400);
    expect(((await problem(res)).errors as { location: string }[])[0]?.location).toBe("header.idempotency-key");
  });

  it("works on the operator API too", async () => {
    const headers = { "idempotency-key": `op-${crypto.randomUUID()}` };
    const first = await admin("/admin/v1/organizations", {
      method: "POST",
      headers,
      json: { name: "Idem", plan: "starter" },
    });
    const second = await admin("/admin/v1/organizations", {
      method: "POST",
      headers,
      json: { name: "Idem", plan: "starter" },
    });
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
  });
});
