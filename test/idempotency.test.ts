import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { OPERATOR_SCOPE, orgGate } from "../src/services/org-gate";
import { admin, call, createOrg, env, problem, type TestOrg, withKey } from "./helpers";

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

  it("is honoured by every POST of the API (each route's scope guard applies it)", async () => {
    const org = await createOrg("enterprise");
    const doc = (await (await call("/api/v1/openapi.json")).json()) as { paths: Record<string, object> };
    const posts = Object.entries(doc.paths)
      .filter(([path, ops]) => path.startsWith("/api/v1/") && "post" in ops)
      .map(([path]) => path.replace(/\{[^}]+\}/g, "x"));
    expect(posts.length).toBeGreaterThan(5);
    for (const path of posts) {
      const res = await org.api(path, { method: "POST", headers: { "idempotency-key": "k".repeat(256) }, json: {} });
      expect(res.status, path).toBe(400);
      expect(((await problem(res)).errors as { location: string }[])[0]?.location, path).toBe("header.idempotency-key");
    }
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

/** Another key of `org`, made by the operator with `scopes`. */
async function extraKey(org: TestOrg, scopes: string[]) {
  const res = await admin(`/admin/v1/organizations/${org.id}/api-keys`, {
    method: "POST",
    json: { name: `extra-${scopes.join("-")}`, scopes },
  });
  return withKey(((await res.json()) as { key: string }).key);
}

/** Every idempotency record an organization's Durable Object holds, as text. */
async function storedIdempotency(scope: string): Promise<string> {
  return runInDurableObject(orgGate(env, scope), (_instance, state) =>
    JSON.stringify(state.storage.sql.exec("SELECT * FROM idempotency").toArray()),
  );
}

describe("Idempotency-Key and credentials", () => {
  it("checks the scope before replaying: a read-only key cannot replay an admin's new key", async () => {
    const org = await createOrg("enterprise");
    const reader = await extraKey(org, ["read"]);
    const init = { method: "POST", headers: { "idempotency-key": "steal-1" }, json: { name: "minted" } };
    const first = await org.api("/api/v1/api-keys", init);
    expect(first.status).toBe(201);
    const stolen = await reader("/api/v1/api-keys", init);
    expect(stolen.status).toBe(403);
    expect(stolen.headers.get("idempotent-replayed")).toBeNull();
    expect((await problem(stolen)).code).toBe("forbidden");
  });

  it("checks the scope before replaying a rotated webhook secret", async () => {
    const org = await createOrg("enterprise");
    const writer = await extraKey(org, ["read", "write"]);
    const created = await org.api("/api/v1/webhooks", {
      method: "POST",
      json: { url: "https://example.com/h", events: ["*"] },
    });
    const { id } = (await created.json()) as { id: string };
    const init = { method: "POST", headers: { "idempotency-key": "rotate-1" } };
    expect((await org.api(`/api/v1/webhooks/${id}/rotate-secret`, init)).status).toBe(200);
    const stolen = await writer(`/api/v1/webhooks/${id}/rotate-secret`, init);
    expect(stolen.status).toBe(403);
    expect(await stolen.text()).not.toContain("whsec_");
  });

  it("does not hand a read-only key's stored 403 to an admin key", async () => {
    const org = await createOrg("enterprise");
    const reader = await extraKey(org, ["read"]);
    const init = { method: "POST", headers: { "idempotency-key": "refused-1" }, json: { name: "later" } };
    expect((await reader("/api/v1/api-keys", init)).status).toBe(403);
    const res = await org.api("/api/v1/api-keys", init);
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
  });

  it("binds records to the calling key: another admin key of the org runs its own request", async () => {
    const org = await createOrg("enterprise");
    const otherAdmin = await extraKey(org, ["read", "write", "admin"]);
    const init = { method: "POST", headers: { "idempotency-key": "mine-1" }, json: { name: "same" } };
    const first = (await (await org.api("/api/v1/api-keys", init)).json()) as { id: string };
    const second = await otherAdmin("/api/v1/api-keys", init);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    expect(((await second.json()) as { id: string }).id).not.toBe(first.id);
    // Each key still replays its own record.
    const replay = await org.api("/api/v1/api-keys", init);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(first.id);
    // A different request under another key's Idempotency-Key is no conflict for this key either.
    const different = await otherAdmin("/api/v1/api-keys", { ...init, json: { name: "other" } });
    expect(different.status).toBe(422);
  });

  it("keeps no API key in clear in the Durable Object, and still replays it to its caller", async () => {
    const org = await createOrg("enterprise");
    const init = { method: "POST", headers: { "idempotency-key": "at-rest-1" }, json: { name: "secret" } };
    const { key } = (await (await org.api("/api/v1/api-keys", init)).json()) as { key: string };
    const stored = await storedIdempotency(org.id);
    expect(stored).toContain("at-rest-1");
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(4, 20));
    const replay = await org.api("/api/v1/api-keys", init);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { key: string }).key).toBe(key);
  });

  it("keeps no webhook secret in clear, on create and on rotation", async () => {
    const org = await createOrg("enterprise");
    const create = {
      method: "POST",
      headers: { "idempotency-key": "hook-1" },
      json: { url: "https://example.com/at-rest", events: ["*"] },
    };
    const created = (await (await org.api("/api/v1/webhooks", create)).json()) as { id: string; secret: string };
    const rotate = { method: "POST", headers: { "idempotency-key": "hook-2" } };
    const rotated = (await (await org.api(`/api/v1/webhooks/${created.id}/rotate-secret`, rotate)).json()) as {
      secret: string;
    };
    const stored = await storedIdempotency(org.id);
    expect(stored).not.toContain(created.secret.slice(6));
    expect(stored).not.toContain(rotated.secret.slice(6));
    expect(((await (await org.api("/api/v1/webhooks", create)).json()) as { secret: string }).secret).toBe(
      created.secret,
    );
    const again = await org.api(`/api/v1/webhooks/${created.id}/rotate-secret`, rotate);
    expect(((await again.json()) as { secret: string }).secret).toBe(rotated.secret);
  });

  it("keeps no operator-created key in clear", async () => {
    const org = await createOrg("enterprise");
    const init = { method: "POST", headers: { "idempotency-key": `op-key-${org.id}` }, json: { name: "ops" } };
    const path = `/admin/v1/organizations/${org.id}/api-keys`;
    const { key } = (await (await admin(path, init)).json()) as { key: string };
    expect(await storedIdempotency(OPERATOR_SCOPE)).not.toContain(key);
    const replay = await admin(path, init);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await replay.json()) as { key: string }).key).toBe(key);
  });

  it("drops records kept in clear before bodies were sealed, once, when the object starts", async () => {
    const org = await createOrg("enterprise");
    const gate = orgGate(env, org.id);
    await org.api("/api/v1/api-keys", { method: "POST", headers: { "idempotency-key": "new-1" }, json: { name: "n" } });
    await runInDurableObject(gate, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM idempotency_migrations");
      state.storage.sql.exec(
        `INSERT INTO idempotency (key, fingerprint, state, status, headers, body, lease_until, expires_at)
         VALUES ('old-1', 'f', 'done', 201, '[]', '{"key":"prl_plaintext"}', 0, ?)`,
        Date.now() + 3_600_000,
      );
    });
    await evictDurableObject(gate);
    expect((await org.api("/api/v1/organization")).status).toBe(200);
    const stored = await storedIdempotency(org.id);
    expect(stored).not.toContain("prl_plaintext");
    expect(stored).toContain("new-1");
  });

  it("refuses to keep a response body that is not sealed", async () => {
    const org = await createOrg("enterprise");
    const gate = orgGate(env, org.id);
    expect((await gate.idempotencyBegin("plain-1", "print")).state).toBe("started");
    await gate.idempotencyComplete("plain-1", "print", { status: 201, headers: [], body: '{"key":"prl_clear"}' });
    expect(await storedIdempotency(org.id)).not.toContain("prl_clear");
    expect((await gate.idempotencyBegin("plain-1", "print")).state).toBe("started");
  });
});
