import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LAST_USED_FLUSH_MS } from "../src/durable-objects/org-gate/key-registry";
import { isWellFormedApiKey } from "../src/lib/api-key-token";
import { sha256Hex } from "../src/lib/crypto";
import { base64UrlEncode } from "../src/lib/encoding";
import { orgGate } from "../src/services/org-gate";
import { advanceGateClock } from "./gate-clock";
import { admin, createOrg, env, problem, withKey } from "./helpers";

describe("API keys", () => {
  it("creates a key in the documented format, returns the secret once and stores only its hash", async () => {
    const org = await createOrg("professional");
    const res = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "ci", scopes: ["read"] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown>;
    expect(created).toMatchObject({ name: "ci", scopes: ["read"], lastUsedAt: null });
    expect(created.id).toMatch(/^key_[0-9A-Za-z]{22}$/);
    const key = created.key as string;
    expect(key).toMatch(/^prl_[0-9A-Za-z]{40}$/);
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(created.prefix).toBe(key.slice(0, 8));
    expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(created.id).first();
    expect(stored?.key_hash).toBe(await sha256Hex(key));
    expect(JSON.stringify(stored)).not.toContain(key);

    const list = await org.api("/api/v1/api-keys");
    const body = (await list.json()) as { results: Record<string, unknown>[]; cursor: string | null };
    expect(body.cursor).toBeNull();
    expect(body.results.map((k) => k.id)).toContain(created.id);
    for (const item of body.results) expect(item).not.toHaveProperty("key");
  });

  it("defaults to all three scopes", async () => {
    const org = await createOrg("professional");
    const res = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "default" } });
    expect(((await res.json()) as { scopes: string[] }).scopes).toEqual(["read", "write", "admin"]);
  });

  it("limits a new key to the creating key's scopes, and defaults to them", async () => {
    const org = await createOrg("enterprise", { scopes: ["admin"] });
    const minted = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "w", scopes: ["write"] } });
    expect(minted.status).toBe(403);
    const refusal = await problem(minted);
    expect(refusal.code).toBe("forbidden");
    expect(refusal.detail).toContain("`write`");
    const all = await org.api("/api/v1/api-keys", {
      method: "POST",
      json: { name: "all", scopes: ["read", "write", "admin"] },
    });
    const allDetail = (await problem(all)).detail as string;
    expect(allDetail).toContain("`read`, `write`");
    expect(allDetail).not.toContain("`admin`");
    const defaulted = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "d" } });
    expect(defaulted.status).toBe(201);
    expect(((await defaulted.json()) as { scopes: string[] }).scopes).toEqual(["admin"]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE org_id = ?")
      .bind(org.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(2);

    const reader = await createOrg("enterprise", { scopes: ["admin", "read"] });
    const subset = await reader.api("/api/v1/api-keys", { method: "POST", json: { name: "r", scopes: ["read"] } });
    expect(subset.status).toBe(201);
    expect(((await subset.json()) as { scopes: string[] }).scopes).toEqual(["read"]);
  });

  it("refuses keys beyond the plan's count with plan_limit_reached, also under concurrency", async () => {
    const org = await createOrg("professional"); // 1 of 3 used
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => org.api("/api/v1/api-keys", { method: "POST", json: { name: `k${i}` } })),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 403)).toHaveLength(4);
    const refused = attempts.find((r) => r.status === 403) as Response;
    expect((await problem(refused)).code).toBe("plan_limit_reached");
  });

  it("frees a slot when a key is revoked", async () => {
    const org = await createOrg("starter"); // starter: 1 key, already used
    const second = await admin(`/admin/v1/organizations/${org.id}/api-keys`, { method: "POST", json: { name: "x" } });
    expect(second.status).toBe(403);
    expect(await org.api(`/api/v1/api-keys/${org.keyId}`, { method: "DELETE" })).toHaveProperty("status", 204);
    const third = await admin(`/admin/v1/organizations/${org.id}/api-keys`, { method: "POST", json: { name: "y" } });
    expect(third.status).toBe(201);
  });

  it("revocation takes effect on the very next request, even with the key cached in this isolate", async () => {
    const org = await createOrg("professional");
    const spare = (await (await org.api("/api/v1/api-keys", { method: "POST", json: { name: "spare" } })).json()) as {
      id: string;
      key: string;
    };
    const spareApi = withKey(spare.key);
    expect((await spareApi("/api/v1/organization")).status).toBe(200); // now cached
    expect((await org.api(`/api/v1/api-keys/${spare.id}`, { method: "DELETE" })).status).toBe(204);
    const after = await spareApi("/api/v1/organization");
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toMatch(/^Bearer/);
    // Revoking again is a no-op.
    expect((await org.api(`/api/v1/api-keys/${spare.id}`, { method: "DELETE" })).status).toBe(204);
  });

  it("keeps lastUsedAt fresh without a D1 write per request", async () => {
    const org = await createOrg("professional");
    await org.api("/api/v1/organization");
    const stored = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?").bind(org.keyId).first();
    expect(stored?.last_used_at).toBeNull();
    const list = (await (await org.api("/api/v1/api-keys")).json()) as {
      results: { id: string; lastUsedAt: string }[];
    };
    const mine = list.results.find((k) => k.id === org.keyId);
    expect(mine?.lastUsedAt).toMatch(/Z$/);
    expect(Date.now() - Date.parse(mine?.lastUsedAt ?? "")).toBeLessThan(60_000);

    // The gate's alarm writes the batch of last-use times to D1 later (30 s), in one go; move its clock past that.
    const gate = orgGate(env, org.id);
    await advanceGateClock(org.id, LAST_USED_FLUSH_MS);
    expect(await runDurableObjectAlarm(gate)).toBe(true);
    const flushed = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?").bind(org.keyId).first();
    expect(new Date(flushed?.last_used_at as number).toISOString()).toBe(mine?.lastUsedAt);
  });

  it("reads one active key; a revoked one is 404", async () => {
    const org = await createOrg("professional");
    const second = (await (await org.api("/api/v1/api-keys", { method: "POST", json: { name: "b" } })).json()) as {
      id: string;
    };
    const mine = (await (await org.api(`/api/v1/api-keys/${org.keyId}`)).json()) as { lastUsedAt: string | null };
    expect(mine.lastUsedAt).not.toBeNull(); // this very request's key, current without a D1 write
    expect((await org.api(`/api/v1/api-keys/${second.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await org.api(`/api/v1/api-keys/${second.id}`)).status).toBe(404);
  });

  it("404s another organization's key and never revokes it", async () => {
    const a = await createOrg("professional");
    const b = await createOrg("professional");
    const res = await a.api(`/api/v1/api-keys/${b.keyId}`, { method: "DELETE" });
    expect(res.status).toBe(404);
    expect((await problem(res)).code).toBe("not_found");
    expect((await a.api(`/api/v1/api-keys/${b.keyId}`)).status).toBe(404);
    expect((await b.api("/api/v1/organization")).status).toBe(200);
  });

  it("validates the body and lists every problem", async () => {
    const org = await createOrg("professional");
    const res = await org.api("/api/v1/api-keys", {
      method: "POST",
      json: { name: "", scopes: ["read", "superuser"], colour: "red" },
    });
    expect(res.status).toBe(400);
    const body = await problem(res);
    const locations = (body.errors as { location: string }[]).map((e) => e.location).sort();
    expect(locations).toEqual(["body.colour", "body.name", "body.scopes.1"]);
  });

  it("needs the admin scope", async () => {
    const org = await createOrg("professional", { scopes: ["read", "write"] });
    for (const [path, method] of [
      ["/api/v1/api-keys", "GET"],
      ["/api/v1/api-keys", "POST"],
      [`/api/v1/api-keys/${org.keyId}`, "GET"],
      [`/api/v1/api-keys/${org.keyId}`, "DELETE"],
    ] as const) {
      const res = await org.api(path, { method, ...(method === "POST" ? { json: { name: "x" } } : {}) });
      expect(res.status).toBe(403);
      const body = await problem(res);
      expect(body.code).toBe("forbidden");
      expect(body.detail).toContain("admin");
    }
  });

  it("pages through keys with a keyset cursor", async () => {
    const org = await createOrg("enterprise");
    for (let i = 0; i < 4; i++) await org.api("/api/v1/api-keys", { method: "POST", json: { name: `k${i}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await org.api(`/api/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ""}`)).json()) as {
        results: { id: string }[];
        cursor: string | null;
      };
      expect(page.results.length).toBeLessThanOrEqual(2);
      seen.push(...page.results.map((k) => k.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await org.api("/api/v1/api-keys?cursor=not-a-cursor");
    expect(bad.status).toBe(400);
    const forged = base64UrlEncode(JSON.stringify({ v: "not-a-time", id: "key_x" }));
    const nonNumeric = await org.api(`/api/v1/api-keys?cursor=${forged}`);
    expect(nonNumeric.status).toBe(400);
    expect(((await problem(nonNumeric)).errors as { location: string }[])[0]?.location).toBe("query.cursor");
    const outOfRange = await org.api("/api/v1/api-keys?limit=101");
    expect(((await problem(outOfRange)).errors as { location: string }[])[0]?.location).toBe("query.limit");
  });
});
