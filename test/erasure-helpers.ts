import { getTableName } from "drizzle-orm";
import { expect } from "vitest";
import type { Database } from "../src/db/client";
import { TENANT_TABLES } from "../src/db/tenants";
import type { ErasureDeps } from "../src/services/erasures";
import { orgGate } from "../src/services/org-gate";
import { env, type TestOrg } from "./helpers";

export type Erasure = {
  erasureId: string;
  state: string;
  subject: { field: string; sha256: string };
  counts: Record<string, number>;
  completedAt: string | null;
};

export async function requestErasure(org: TestOrg, json: Record<string, string>) {
  const res = await org.api("/api/v1/erasure", { method: "POST", json });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as Erasure;
}

export async function getErasure(org: TestOrg, erasureId: string) {
  const res = await org.api(`/api/v1/erasure/${erasureId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Erasure;
}

/** Requests the erasure and waits for the storage-jobs queue to finish it. */
export async function erase(org: TestOrg, json: Record<string, string>) {
  const { erasureId } = await requestErasure(org, json);
  await expect.poll(async () => (await getErasure(org, erasureId)).state, { timeout: 20_000 }).toBe("ready");
  return getErasure(org, erasureId);
}

/** Every row of the organization in every tenant table, each as one JSON line (the unit-level search). */
export async function tenantRows(orgId: string): Promise<string[]> {
  const lines: string[] = [];
  for (const { table, orgColumn } of TENANT_TABLES) {
    const name = getTableName(table);
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}" WHERE "${orgColumn.name}" = ?`).bind(orgId).all();
    for (const row of results) lines.push(`${name} ${JSON.stringify(row)}`);
  }
  return lines;
}

export const sha256 = async (text: string) => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
};

/** What the storage-jobs consumer gives the erasure job, for tests that run it directly. */
export const erasureDeps = (db: Database): ErasureDeps => ({
  db,
  bucket: env.RECORDINGS,
  eraseFromReplays: (orgId, erasureId, subject) => orgGate(env, orgId).eraseFromReplays(erasureId, subject),
});
