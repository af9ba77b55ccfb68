import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { admin, call, captureErrorLogs, createOrg, env, problem } from "./helpers";

describe("protocol and errors", () => {
  it("404s unknown routes as problem+json", async () => {
    const res = await call("/nope");
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({
      code: "not_found",
      type: "https://parley.dev/problems/not_found",
      title: "Not found",
      instance: "/nope",
    });
    const org = await createOrg("professional");
    const api = await org.api("/api/v1/nothing-here");
    expect(api.status).toBe(404);
    expect((await problem(api)).code).toBe("not_found");
    // An unknown route is 404 with or without credentials; a known one without them is 401.
    expect((await call("/api/v1/nothing-here")).status).toBe(404);
    expect((await call("/api/v1/organization")).status).toBe(401);
  });

  it("asks for credentials before reading an oversize body", async () => {
    const res = await call("/api/v1/api-keys", { method: "POST", json: { name: "x".repeat(2 * 1024 * 1024) } });
    expect(res.status).toBe(401);
    const org = await createOrg("professional");
    const limited = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "x".repeat(2 * 1024 * 1024) } });
    expect(limited.status).toBe(413);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("1000");
  });

  it("answers 405 with Allow for a known path and the wrong method", async () => {
    const org = await createOrg("professional");
    const res = await org.api("/api/v1/organization", { method: "POST", json: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect((await problem(res)).code).toBe("method_not_allowed");
    const keys = await org.api(`/api/v1/api-keys/${org.keyId}`, { method: "PATCH", json: {} });
    expect(keys.headers.get("allow")).toBe("DELETE, GET, HEAD");
    const health = await call("/health", { method: "DELETE" });
    expect(health.status).toBe(405);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const org = await createOrg("professional");
    const res = await org.api("/api/v1/api-keys", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "name=x",
    });
    expect(res.status).toBe(415);
    expect((await problem(res)).code).toBe("unsupported_media_type");
  });

  it("answers 413 for an oversize body, with or without Content-Length", async () => {
    const org = await createOrg("professional");
    const big = JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) });
    const sized = await org.api("/api/v1/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(sized.status).toBe(413);
    expect((await problem(sized)).code).toBe("payload_too_large");

    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const chunked = await org.api("/api/v1/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      // @ts-expect-error: duplex is required for streaming request bodies but missing from RequestInit's types
      duplex: "half",
    });
    expect(chunked.status).toBe(413);
    expect(sent).toBeLessThan(40);
  });

  it("echoes a sane X-Request-Id and replaces an unsafe one", async () => {
    const echoed = await call("/health", { headers: { "x-request-id": "client-123.abc" } });
    expect(echoed.headers.get("x-request-id")).toBe("client-123.abc");
    const replaced = await call("/health", { headers: { "x-request-id": "<script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_/);
    const error = await call("/missing", { headers: { "x-request-id": "trace-1" } });
    expect((await problem(error)).requestId).toBe("trace-1");
  });

  it("never leaks stack traces or internals on a 500", async () => {
    const app = createApp();
    app.get("/boom", () => {
      throw new Error("db password is hunter2");
    });
    const errorLogs = captureErrorLogs();
    const res = await app.fetch(new Request("https://parley.test/boom"), env, createExecutionContext());
    expect(res.status).toBe(500);
    expect(errorLogs()).toEqual([expect.objectContaining({ level: "error", path: "/boom", name: "Error" })]);
    const text = await res.clone().text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toMatch(/at .*\.ts/);
    expect((await problem(res)).code).toBe("internal_error");
  });

  it("serves the OpenAPI document without auth and the docs page", async () => {
    const doc = await call("/api/v1/openapi.json");
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
    const docs = await call("/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("content-type")).toContain("text/html");
    expect(await docs.text()).toContain("/api/v1/openapi.json");
  });

  it("sends X-Content-Type-Options: nosniff on every response", async () => {
    const org = await createOrg("professional");
    const responses = [
      await call("/health"),
      await call("/nope"),
      await call("/api/v1/organization"),
      await call("/api/v1/openapi.json"),
      await call("/docs"),
      await call("/health", { method: "DELETE" }),
      await org.api("/api/v1/organization"),
      await org.api("/api/v1/meetings?limit=0"),
      await org.api("/api/v1/api-keys", { method: "POST", json: { name: "n" } }),
      await call("/admin/v1/organizations"),
      await call("/files/recordings/rec_x?token=forged"),
    ];
    for (const res of responses) expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
    const app = createApp();
    app.get("/boom", () => {
      throw new Error("boom");
    });
    const logs = captureErrorLogs();
    const crashed = await app.fetch(new Request("https://parley.test/boom"), env, createExecutionContext());
    expect(crashed.headers.get("x-content-type-options")).toBe("nosniff");
    expect(logs()).toEqual([expect.objectContaining({ path: "/boom", message: "boom" })]);
  });

  it("marks every response that carries a secret Cache-Control: no-store, replays too", async () => {
    const org = await createOrg("enterprise");
    const idempotent = { "idempotency-key": "no-store-1" };
    const keyInit = { method: "POST", headers: idempotent, json: { name: "n" } };
    const created = await org.api("/api/v1/api-keys", keyInit);
    const replayed = await org.api("/api/v1/api-keys", keyInit);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    const operatorKey = await admin(`/admin/v1/organizations/${org.id}/api-keys`, {
      method: "POST",
      json: { name: "op" },
    });
    const hook = await org.api("/api/v1/webhooks", {
      method: "POST",
      json: { url: "https://example.com/no-store", events: ["*"] },
    });
    const { id } = (await hook.clone().json()) as { id: string };
    const rotated = await org.api(`/api/v1/webhooks/${id}/rotate-secret`, { method: "POST" });
    for (const [name, res] of Object.entries({ created, replayed, operatorKey, hook, rotated })) {
      expect(res.status, name).toBeLessThan(300);
      expect(res.headers.get("cache-control"), name).toBe("no-store");
    }
    expect((await org.api("/api/v1/webhooks")).headers.get("cache-control")).toBeNull();
  });
});
