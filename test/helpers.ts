import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { PlanName } from "../src/lib/plans";

export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
const BASE = "https://parley.test";

/** Sends a request through the real worker entry point (all middleware, routing and bindings). */
export function call(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return exports.default.fetch(new Request(BASE + path, { ...init, headers, body }));
}

export function admin(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${ADMIN_TOKEN}`);
  return call(path, { ...init, headers });
}

export function withKey(key: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${key}`);
    return call(path, { ...init, headers });
  };
}

export interface TestOrg {
  id: string;
  key: string;
  keyId: string;
  api: ReturnType<typeof withKey>;
}

/** A fresh organization with one full-scope key: every test makes its own tenant. */
export async function createOrg(
  plan: PlanName = "professional",
  options: { scopes?: string[]; limits?: Record<string, unknown> } = {},
): Promise<TestOrg> {
  const created = await admin("/admin/v1/organizations", { method: "POST", json: { name: `Test ${plan}`, plan } });
  if (created.status !== 201) throw new Error(`org create failed: ${created.status} ${await created.text()}`);
  const org = (await created.json()) as { id: string };
  if (options.limits) {
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { limits: options.limits } });
  }
  if (plan === "free") return { id: org.id, key: "", keyId: "", api: withKey("") };
  const keyRes = await admin(`/admin/v1/organizations/${org.id}/api-keys`, {
    method: "POST",
    json: { name: "test", ...(options.scopes ? { scopes: options.scopes } : {}) },
  });
  if (keyRes.status !== 201) throw new Error(`key create failed: ${keyRes.status} ${await keyRes.text()}`);
  const key = (await keyRes.json()) as { id: string; key: string };
  return { id: org.id, key: key.key, keyId: key.id, api: withKey(key.key) };
}

export async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(res.status);
  return body;
}

export { env };
