import { describe, expect, it } from "vitest";
import { createApp, DOCS_PATH, OPENAPI_PATH } from "../src/app";
import { call, env } from "./helpers";

type Operation = {
  responses: Record<string, { headers?: Record<string, unknown> }>;
  parameters?: unknown[];
  requestBody?: unknown;
  security?: unknown[];
  description?: string;
  summary?: string;
};
type Doc = {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

describe("OpenAPI document", () => {
  it("documents every registered route and nothing that does not exist", async () => {
    const doc = (await (await call(OPENAPI_PATH)).json()) as Doc;
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`),
      ),
    );
    const registered = new Set(
      createApp()
        // The dashboard's HTML pages and forms (§11) are not API operations.
        .routes.filter((r) => r.method !== "ALL" && !r.path.startsWith("/dashboard"))
        .map((r) => `${r.method} ${r.path}`),
    );
    // Hono answers HEAD for every GET; the document lists it where the contract promises it.
    const heads = [...documented].filter((r) => r.startsWith("HEAD "));
    expect(heads).toEqual(["HEAD /files/recordings/:recordingId"]);
    for (const head of heads) expect(registered.has(head.replace(/^HEAD/, "GET"))).toBe(true);
    expect([...registered].sort()).toContain(`GET ${OPENAPI_PATH}`);
    expect([...registered].sort()).toContain(`GET ${DOCS_PATH}`);
    expect([...documented].filter((r) => !r.startsWith("HEAD ")).sort()).toEqual([...registered].sort());
  });

  it("describes security, summaries and error responses for every operation", async () => {
    const doc = (await (await call(OPENAPI_PATH)).json()) as Doc;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["adminToken", "apiKey"]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.security, `${method} ${path}`).toBeDefined();
        if (op.security?.length === 0) continue; // public: /health, /files/…
        expect(Object.keys(op.responses), `${method} ${path}`).toContain("401");
        expect(Object.keys(op.responses), `${method} ${path}`).toContain("500");
        if (path.startsWith("/api/v1/")) expect(Object.keys(op.responses)).toContain("429");
      }
    }
  });

  it("documents the headers middleware adds and the 400 of every validated operation", async () => {
    const doc = (await (await call(OPENAPI_PATH)).json()) as Doc;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        if (op.parameters?.length || op.requestBody) expect(Object.keys(op.responses), where).toContain("400");
        for (const [status, response] of Object.entries(op.responses)) {
          const headers = Object.keys(response.headers ?? {});
          expect(headers, `${where} ${status}`).toContain("X-Request-Id");
          expect(headers, `${where} ${status}`).toContain("X-Content-Type-Options");
          if (path.startsWith("/api/v1/") && op.security?.length && status !== "401") {
            expect(headers, `${where} ${status}`).toContain("RateLimit");
          }
          if (status === "429") expect(headers, `${where} ${status}`).toContain("Retry-After");
          if (status === "401") expect(headers, `${where} ${status}`).toContain("WWW-Authenticate");
        }
      }
    }
  });

  it("documents Cache-Control: no-store on the responses that carry a secret", async () => {
    const doc = (await (await call(OPENAPI_PATH)).json()) as Doc;
    const secretResponses = [
      ["/api/v1/api-keys", "post", "201"],
      ["/admin/v1/organizations/{organizationId}/api-keys", "post", "201"],
      ["/api/v1/webhooks", "post", "201"],
      ["/api/v1/webhooks/{webhookId}/rotate-secret", "post", "200"],
    ] as const;
    for (const [path, method, status] of secretResponses) {
      const headers = doc.paths[path]?.[method]?.responses[status]?.headers ?? {};
      expect(Object.keys(headers), `${method} ${path}`).toContain("Cache-Control");
    }
    expect(Object.keys(doc.paths["/api/v1/meetings"]?.post?.responses["201"]?.headers ?? {})).not.toContain(
      "Cache-Control",
    );
  });

  it("is built once per isolate", async () => {
    // The document records the APP_VERSION it was built with: a rebuild would pick up the changed one.
    const app = createApp();
    const versionServed = async (APP_VERSION: string) =>
      ((await (await app.request(OPENAPI_PATH, {}, { ...env, APP_VERSION })).json()) as Doc).info.version;
    expect(await versionServed("1.0.0-first")).toBe("1.0.0-first");
    expect(await versionServed("2.0.0-second")).toBe("1.0.0-first");
  });
});
