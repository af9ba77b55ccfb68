import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, onTestFinished, vi } from "vitest";
import worker from "../src/index";
import type { PlanName } from "../src/lib/plans";
import { neverLog } from "./log-capture";

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
  if (typeof body === "string") neverLog(body);
  const request = new Request(BASE + path, { ...init, headers, body });
  // A streamed body the worker leaves unread (a 400 or 413 before the end) makes workerd's loopback log
  // "read end of pipe was aborted"; handed to the same entry point in this isolate, it is simply dropped.
  if (body instanceof ReadableStream) return Promise.resolve(worker.fetch(request, env, createExecutionContext()));
  return exports.default.fetch(request);
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

/**
 * For a test that makes the worker log errors on purpose: keeps them off the test output and returns
 * a reader of what was logged (each line parsed as the JSON the worker writes), to assert on.
 */
export function captureErrorLogs(): () => Record<string, unknown>[] {
  const spy = vi.spyOn(console, "error").mockImplementation(() => {});
  onTestFinished(() => spy.mockRestore());
  return () => spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
}

export async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(res.status);
  return body;
}

export const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
export type MeetingBody = Record<string, unknown> & { meetingId: string; roomName: string; roomUrl: string };

/** Creates a meeting through the API, ending in two hours unless `body` says otherwise. */
export async function createMeeting(
  org: TestOrg,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await org.api("/api/v1/meetings", { method: "POST", headers, json: { endDate: inHours(2), ...body } });
  return { res, body: (await res.clone().json()) as MeetingBody };
}

/** Container signatures the upload sniffing recognises. */
export const WEBM_HEAD = [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81];
export const MP4_HEAD = [0, 0, 0, 0x18, ...new TextEncoder().encode("ftypmp42"), 0, 0, 0, 0];

/** `size` bytes of a patterned file that starts with `head`. */
export function media(size: number, head = WEBM_HEAD): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  bytes.set(head.slice(0, size));
  return bytes;
}

export { env };
