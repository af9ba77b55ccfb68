import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { purgeCancelledOrganizations } from "../src/cron/organization-purge";
import { createDb } from "../src/db/client";
import { orgR2Prefixes, TENANT_TABLES } from "../src/db/tenants";
import worker from "../src/index";
import { writeAuditRecords } from "../src/services/audit-log";
import { orgGate } from "../src/services/org-gate";
import { type PurgeDeps, purgeOrganization } from "../src/services/organization-purge";
import { ADMIN_TOKEN, admin } from "./helpers";
import { populatedOrg } from "./tenant-data";

const DAY = 24 * 60 * 60 * 1000;

async function countsByTable(orgId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table } of TENANT_TABLES) {
    const name = getTableName(table as SQLiteTable);
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM "${name}" WHERE org_id = ?`)
      .bind(orgId)
      .first<{ n: number }>();
    counts[name] = row?.n ?? -1;
  }
  return counts;
}

async function objectsUnder(orgId: string): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of orgR2Prefixes(orgId))
    keys.push(...(await env.RECORDINGS.list({ prefix })).objects.map((o) => o.key));
  return keys;
}

/** Rows in the organization's Durable Object (every table of its SQLite storage), and whether an alarm is set. */
function gateStorage(orgId: string) {
  return runInDurableObject(orgGate(env, orgId), async (_gate, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '_cf%'",
      )
      .toArray();
    let rows = 0;
    for (const { name } of tables)
      rows += state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`).one().n;
    return { rows, alarm: await state.storage.getAlarm() };
  });
}

const auditRowsOf = async (orgId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE org_id = ?").bind(orgId).first<{ n: number }>())
    ?.n ?? 0;

async function cancel(orgId: string, daysAgo: number): Promise<void> {
  expect(
    (await admin(`/admin/v1/organizations/${orgId}`, { method: "PATCH", json: { status: "cancelled" } })).status,
  ).toBe(200);
  await env.DB.prepare("UPDATE organizations SET cancelled_at = ? WHERE id = ?")
    .bind(Date.now() - daysAgo * DAY, orgId)
    .run();
}

// Read in D1, not through the operator API: an operator call is itself recorded in the organization's audit log.
const orgExists = async (orgId: string) =>
  (await env.DB.prepare("SELECT 1 FROM organizations WHERE id = ?").bind(orgId).first()) !== null;
const everyTableHasRows = (counts: Record<string, number>) => Object.values(counts).every((n) => n > 0);

describe("purge of cancelled organizations (SPEC §9)", () => {
  it("deletes every tenant row, R2 object and Durable Object record 30 days after cancellation, then the organization", async () => {
    const due = await populatedOrg();
    const recent = await populatedOrg();
    const active = await populatedOrg();
    await cancel(due.id, 30.01);
    await cancel(recent.id, 29);
    await env.DB.prepare("UPDATE organizations SET created_at = ? WHERE id = ?")
      .bind(Date.now() - 400 * DAY, active.id)
      .run();
    expect(everyTableHasRows(await countsByTable(due.id))).toBe(true);
    expect((await gateStorage(due.id)).rows).toBeGreaterThan(0);

    // The cron claims only the due organization; the storage-jobs queue carries its purge to the end.
    expect(await purgeCancelledOrganizations(env, Date.now())).toBe(1);
    await expect.poll(() => orgExists(due.id), { timeout: 20_000 }).toBe(false);

    expect(Object.entries(await countsByTable(due.id)).filter(([, n]) => n > 0)).toEqual([]);
    expect(await objectsUnder(due.id)).toEqual([]);
    expect(await gateStorage(due.id)).toEqual({ rows: 0, alarm: null });
    for (const kept of [recent, active]) {
      expect(await orgExists(kept.id)).toBe(true);
      expect(everyTableHasRows(await countsByTable(kept.id))).toBe(true);
      expect((await objectsUnder(kept.id)).length).toBeGreaterThanOrEqual(orgR2Prefixes(kept.id).length);
      expect((await kept.api("/api/v1/meetings")).status).toBe(kept === active ? 200 : 403);
    }
    // Claimed again within the next runs: nothing is due any more.
    expect(await purgeCancelledOrganizations(env, Date.now())).toBe(0);
  }, 30_000);

  it("works in bounded rounds, continues after a crash, and stops for an organization reactivated meanwhile", async () => {
    const org = await populatedOrg();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
       INSERT INTO events (id, org_id, type, data, created_at) SELECT 'evt_bulk' || i || ?, ?, 'meeting.created', '{}', 1 FROM n`,
    )
      .bind(org.id, org.id)
      .run();
    await cancel(org.id, 31);
    const db = createDb(env.DB);
    const deps: PurgeDeps = {
      db,
      bucket: env.RECORDINGS,
      purgeGateStorage: (orgId) => orgGate(env, orgId).purgeStorage(),
    };
    const failing: PurgeDeps = {
      ...deps,
      bucket: new Proxy(env.RECORDINGS, {
        get: (target, property) =>
          property === "list"
            ? () => Promise.reject(new Error("simulated crash"))
            : Reflect.get(target, property).bind(target),
      }),
    };
    await expect(purgeOrganization(failing, org.id, Date.now(), 5)).rejects.toThrow("simulated crash");
    expect(await orgExists(org.id)).toBe(true);

    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status: "active" } });
    expect(await purgeOrganization(deps, org.id, Date.now(), 1)).toBe("done");
    expect(everyTableHasRows(await countsByTable(org.id))).toBe(true);

    await cancel(org.id, 31);
    let rounds = 0;
    while ((await purgeOrganization(deps, org.id, Date.now(), 1)) === "more") rounds++;
    // 2,500 events take three pages of 1,000; R2 and the open upload take rounds of their own.
    expect(rounds).toBeGreaterThanOrEqual(4);
    expect(rounds).toBeLessThan(20);
    expect(await orgExists(org.id)).toBe(false);
    expect(Object.values(await countsByTable(org.id)).every((n) => n === 0)).toBe(true);
    expect(await objectsUnder(org.id)).toEqual([]);
  }, 30_000);
  it("leaves no audit row of operator calls or requests racing it (guarded insert, one last batch)", async () => {
    const org = await populatedOrg();
    const deps: PurgeDeps = {
      db: createDb(env.DB),
      bucket: env.RECORDINGS,
      purgeGateStorage: (orgId) => orgGate(env, orgId).purgeStorage(),
    };
    const operatorCall = (method: string, json?: unknown) => {
      const ctx = createExecutionContext();
      const init = { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" } };
      const request = new Request(`https://parley.test/admin/v1/organizations/${org.id}`, {
        ...init,
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      return { ctx, response: worker.fetch(request, env, ctx) };
    };
    // The cancelling call's row is still in its batch (not awaited) while the purge runs.
    const cancelling = operatorCall("PATCH", { status: "cancelled" });
    expect((await cancelling.response).status).toBe(200);
    await env.DB.prepare("UPDATE organizations SET cancelled_at = ? WHERE id = ?")
      .bind(Date.now() - 31 * DAY, org.id)
      .run();
    while ((await purgeOrganization(deps, org.id, Date.now(), 10)) === "more");
    expect(await orgExists(org.id)).toBe(false);
    // After the purge: an operator call about the organization, and a key's request whose row was still in flight.
    const late = operatorCall("GET");
    expect((await late.response).status).toBe(404);
    await writeAuditRecords(deps.db, [
      {
        id: `aud_late_${org.id}`,
        orgId: org.id,
        keyId: org.keyId,
        memberId: null,
        actorType: "api",
        method: "POST",
        route: "/api/v1/meetings",
        objectId: null,
        status: 201,
        requestId: "req_late",
        createdAt: Date.now(),
      },
    ]);
    await waitOnExecutionContext(cancelling.ctx);
    await waitOnExecutionContext(late.ctx);
    expect(await auditRowsOf(org.id)).toBe(0);
    // The operator call is still recorded, under the operator's own scope.
    const kept = await env.DB.prepare(
      "SELECT org_id AS orgId, object_id AS objectId FROM audit_log WHERE route = ? AND method = 'GET' AND object_id = ?",
    )
      .bind("/admin/v1/organizations/{organizationId}", org.id)
      .all();
    expect(kept.results).toEqual([{ orgId: "operator", objectId: org.id }]);
  }, 30_000);
});
