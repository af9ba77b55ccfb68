import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { purgeExpiredRecords } from "../src/cron/retention";
import worker from "../src/index";
import { AUDIT_BATCH_MAX } from "../src/services/audit-log";
import {
  ADMIN_TOKEN,
  admin,
  call,
  captureErrorLogs,
  createMeeting,
  createOrg,
  env,
  problem,
  type TestOrg,
  withKey,
} from "./helpers";

type Entry = {
  id: string;
  keyId: string | null;
  memberId: string | null;
  actorType: string;
  method: string;
  route: string;
  objectId: string | null;
  status: number;
  requestId: string;
  createdAt: string;
};
type Row = Record<string, unknown> & { id: string; route: string; object_id: string | null; status: number };

const BASE = "https://parley.test";
const DAY = 24 * 3_600_000;

/** The organization's audit rows as stored, oldest first. */
async function rows(orgId: string, route?: string): Promise<Row[]> {
  const query = route
    ? env.DB.prepare("SELECT * FROM audit_log WHERE org_id = ? AND route = ? ORDER BY created_at, id").bind(
        orgId,
        route,
      )
    : env.DB.prepare("SELECT * FROM audit_log WHERE org_id = ? ORDER BY created_at, id").bind(orgId);
  return (await query.all<Row>()).results;
}

/** Rows are written after the response: waits until `count` of them are there. */
async function rowsOnceWritten(orgId: string, route: string, count: number): Promise<Row[]> {
  await expect.poll(async () => (await rows(orgId, route)).length, { timeout: 10_000 }).toBe(count);
  return rows(orgId, route);
}

async function list(org: TestOrg, query = ""): Promise<{ results: Entry[]; cursor: string | null }> {
  const res = await org.api(`/api/v1/audit-log${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

/** Inserts an audit row directly (for list, filter and retention tests, whose times must be exact). */
async function seed(orgId: string, fields: Partial<Record<string, unknown>> & { createdAt: number }) {
  const id = `aud_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare(
    `INSERT INTO audit_log (id, org_id, key_id, member_id, actor_type, method, route, object_id, status, request_id, created_at)
     VALUES (?, ?, ?, NULL, 'api', ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      orgId,
      fields.keyId ?? "key_seed",
      fields.method ?? "POST",
      fields.route ?? "/api/v1/meetings",
      fields.objectId ?? null,
      fields.status ?? 201,
      `req_${id}`,
      fields.createdAt,
    )
    .run();
  return id;
}

/** A D1 binding that refuses every write to audit_log (an outage at that moment) and passes everything else on. */
function d1RefusingAuditWrites(): D1Database {
  const refused = () => Promise.reject(new Error("D1_ERROR: simulated outage"));
  const failing = { bind: () => failing, run: refused, all: refused, raw: refused, first: refused };
  return new Proxy(env.DB, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => (/insert into "audit_log"/i.test(query) ? failing : target.prepare(query));
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Sends one request through the worker entry with `bindings` swapped in, and waits for its after-response work. */
async function callWith(bindings: Partial<Env>, path: string, key: string, init: RequestInit & { json?: unknown }) {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${key}`);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  const body = init.json === undefined ? init.body : JSON.stringify(init.json);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(BASE + path, { ...init, headers, body }), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const auditMessage = (records: unknown[]) => ({ kind: "audit.write.v1", records });
function record(orgId: string, id = `aud_${crypto.randomUUID().replaceAll("-", "")}`) {
  return {
    id,
    orgId,
    keyId: "key_x",
    memberId: null,
    actorType: "api",
    method: "DELETE",
    route: "/api/v1/meetings/{meetingId}",
    objectId: "mtg_x",
    status: 204,
    requestId: "req_x",
    createdAt: Date.now(),
  };
}

async function consume(queue: string, bodies: unknown[], bindings: Partial<Env> = {}) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch, { ...env, ...bindings });
  return getQueueResult(batch, ctx);
}

describe("audit log: what is recorded", () => {
  it("records creates and deletes with the route template, the object, status and request id", async () => {
    const org = await createOrg();
    const { res, body: meeting } = await createMeeting(org, { metadata: "ticket-4711" });
    const deleted = await org.api(`/api/v1/meetings/${meeting.meetingId}?reason=cleanup`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    await rowsOnceWritten(org.id, "/api/v1/meetings/{meetingId}", 1);
    const { results } = await list(org);
    const [del, create] = results.filter((e) => e.route.startsWith("/api/v1/meetings"));
    expect(create).toMatchObject({
      keyId: org.keyId,
      memberId: null,
      actorType: "api",
      method: "POST",
      route: "/api/v1/meetings",
      objectId: meeting.meetingId,
      status: 201,
      requestId: res.headers.get("x-request-id"),
    });
    expect(create?.id).toMatch(/^aud_/);
    expect(del).toMatchObject({
      method: "DELETE",
      route: "/api/v1/meetings/{meetingId}",
      objectId: meeting.meetingId,
      status: 204,
      requestId: deleted.headers.get("x-request-id"),
    });
    // Never a body or a query string.
    const stored = JSON.stringify(await rows(org.id));
    expect(stored).not.toContain("ticket-4711");
    expect(stored).not.toContain("cleanup");
  });

  it("names the created object from the response for creates whose id field is not `id`", async () => {
    const org = await createOrg();
    const hook = await org.api("/api/v1/webhooks", {
      method: "POST",
      json: { url: "https://example.com/h", events: ["*"] },
    });
    expect(hook.status).toBe(201);
    const created = (await hook.json()) as { id: string };
    const [row] = await rowsOnceWritten(org.id, "/api/v1/webhooks", 1);
    expect(row?.object_id).toBe(created.id);
  });

  it("records refusals of a known key with their status, but not reads, 401s or unknown routes", async () => {
    const org = await createOrg();
    const reader = await admin(`/admin/v1/organizations/${org.id}/api-keys`, {
      method: "POST",
      json: { name: "reader", scopes: ["read"] },
    });
    const readKey = (await reader.json()) as { id: string; key: string };
    const asReader = withKey(readKey.key);

    expect((await asReader("/api/v1/meetings", { method: "POST", json: {} })).status).toBe(403);
    expect((await org.api("/api/v1/meetings", { method: "POST", json: { endDate: "soon" } })).status).toBe(400);
    expect((await org.api("/api/v1/meetings/mtg_unknown", { method: "DELETE" })).status).toBe(404);
    expect((await org.api("/api/v1/meetings")).status).toBe(200);
    const bogus = "prl_000000000000000000000000000000000000000000";
    expect((await withKey(bogus)("/api/v1/meetings", { method: "POST", json: {} })).status).toBe(401);
    expect((await org.api("/api/v1/no-such-thing", { method: "POST", json: {} })).status).toBe(404);

    const meetingRows = await rowsOnceWritten(org.id, "/api/v1/meetings", 2);
    const byStatus = meetingRows.map((r) => [r.status, r.key_id]).sort();
    expect(byStatus).toEqual([
      [400, org.keyId],
      [403, readKey.id],
    ]);
    const [missing] = await rowsOnceWritten(org.id, "/api/v1/meetings/{meetingId}", 1);
    expect(missing).toMatchObject({ method: "DELETE", status: 404, object_id: "mtg_unknown" });
    // The reads and the unknown route left nothing (they settle with the rows awaited above).
    expect((await rows(org.id)).filter((r) => r.method === "GET" || r.status === 401)).toEqual([]);
    expect((await rows(org.id)).some((r) => String(r.route).includes("no-such-thing"))).toBe(false);
  });

  it("records every operator call under the organization it concerns, as the operator", async () => {
    const created = await admin("/admin/v1/organizations", { method: "POST", json: { name: "Acme", plan: "starter" } });
    const org = (await created.json()) as { id: string };
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { plan: "professional" } });
    await admin(`/admin/v1/organizations/${org.id}`);
    const refused = await call(`/admin/v1/organizations/${org.id}`, {
      method: "PATCH",
      json: { plan: "enterprise" },
      headers: { authorization: `Bearer ${ADMIN_TOKEN}-wrong` },
    });
    expect(refused.status).toBe(401);

    await expect.poll(async () => (await rows(org.id)).length, { timeout: 10_000 }).toBe(3);
    const found = (await rows(org.id)).map((r) => [r.method, r.route, r.object_id, r.status, r.actor_type, r.key_id]);
    expect(found).toEqual(
      expect.arrayContaining([
        ["POST", "/admin/v1/organizations", org.id, 201, "operator", null],
        ["PATCH", "/admin/v1/organizations/{organizationId}", org.id, 200, "operator", null],
        ["GET", "/admin/v1/organizations/{organizationId}", org.id, 200, "operator", null],
      ]),
    );
    // The refused (401) call is nobody's action: only the three above are there.
    expect((await rows(org.id)).filter((r) => r.status === 401)).toEqual([]);
  });

  it("records a request whose handler set auditContext, whatever its method and without a key", async () => {
    const org = await createOrg();
    const app = createApp();
    app.get("/test/exports/:exportId/download", (c) => {
      c.set("auditContext", { orgId: org.id, objectId: c.req.param("exportId") });
      return c.text("{}");
    });
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}/test/exports/exp_42/download?token=secret`), env, ctx);
    expect(res.status).toBe(200);
    await waitOnExecutionContext(ctx);
    const [row] = await rowsOnceWritten(org.id, "/test/exports/{exportId}/download", 1);
    expect(row).toMatchObject({ method: "GET", object_id: "exp_42", key_id: null, status: 200 });
    expect(JSON.stringify(row)).not.toContain("secret");
  });

  it("records an erasure under its erasureId, never its subject (POST /api/v1/erasure, a 202)", async () => {
    const org = await createOrg();
    const res = await org.api("/api/v1/erasure", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com" }),
    });
    expect(res.status).toBe(202);
    const { erasureId } = (await res.json()) as { erasureId: string };
    const [row] = await rowsOnceWritten(org.id, "/api/v1/erasure", 1);
    expect(row).toMatchObject({ object_id: erasureId, status: 202 });
    expect(JSON.stringify(row)).not.toContain("ada@example.com");
  });

  it("takes a 202's object from its body when it sends no Location", async () => {
    const org = await createOrg();
    const app = createApp();
    app.post("/api/v1/__audit-test/jobs", (c) => c.json({ jobId: "job_1", subject: { field: "email" } }, 202));
    const ctx = createExecutionContext();
    const request = new Request(`${BASE}/api/v1/__audit-test/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com" }),
    });
    expect((await app.fetch(request, env, ctx)).status).toBe(202);
    await waitOnExecutionContext(ctx);
    const [row] = await rowsOnceWritten(org.id, "/api/v1/__audit-test/jobs", 1);
    expect(row).toMatchObject({ object_id: "job_1", status: 202 });
    expect(JSON.stringify(row)).not.toContain("ada@example.com");
  });

  it("writes exactly one row per request under concurrency, across more than one batch", async () => {
    const org = await createOrg("enterprise");
    const count = AUDIT_BATCH_MAX + 10;
    const responses = await Promise.all(Array.from({ length: count }, () => createMeeting(org)));
    expect(responses.map((r) => r.res.status)).toEqual(Array(count).fill(201));
    const written = await rowsOnceWritten(org.id, "/api/v1/meetings", count);
    expect(new Set(written.map((r) => r.object_id))).toEqual(new Set(responses.map((r) => r.body.meetingId)));
    expect(new Set(written.map((r) => r.request_id)).size).toBe(count);
  });
});

describe("audit log: no silent gaps", () => {
  it("hands a record D1 refused to the queue, whose consumer writes it", async () => {
    const org = await createOrg();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = await callWith({ DB: d1RefusingAuditWrites() }, "/api/v1/meetings", org.key, {
      method: "POST",
      json: { endDate: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(res.status).toBe(201);
    const { meetingId } = (await res.json()) as { meetingId: string };
    const deferred = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    warn.mockRestore();
    expect(deferred).toEqual([expect.objectContaining({ level: "warn", auditIds: [expect.stringMatching(/^aud_/)] })]);
    // Nothing was written at request time; the storage-jobs consumer writes it afterwards.
    const [row] = await rowsOnceWritten(org.id, "/api/v1/meetings", 1);
    expect(row).toMatchObject({
      id: (deferred as [{ auditIds: string[] }])[0].auditIds[0],
      object_id: meetingId,
      status: 201,
      key_id: org.keyId,
    });
  });

  it("logs the whole record (and nothing personal) when the queue refuses it too", async () => {
    const org = await createOrg();
    const logs = captureErrorLogs();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const failingQueue = { send: () => Promise.reject(new Error("queue down")), sendBatch: () => Promise.reject() };
    const res = await callWith(
      { DB: d1RefusingAuditWrites(), STORAGE_JOBS_QUEUE: failingQueue as unknown as Queue },
      "/api/v1/webhooks",
      org.key,
      { method: "POST", json: { url: "https://example.com/private-hook", events: ["*"], description: "Ada's hook" } },
    );
    warn.mockRestore();
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const lost = logs().filter((l) => l.message === "audit record not written");
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: "error", record: { orgId: org.id, objectId: id, status: 201 } });
    const [entry] = lost as [{ auditId: string; record: { id: string } }];
    expect(entry.auditId).toBe(entry.record.id);
    const line = JSON.stringify(lost[0]);
    for (const secret of ["private-hook", "Ada", org.key, "whsec_"]) expect(line).not.toContain(secret);
  });

  it("inserts queued records idempotently and retries while D1 still fails", async () => {
    const org = await createOrg();
    const message = auditMessage([record(org.id), record(org.id)]);
    const first = await consume("storage-jobs", [message, message]);
    expect(first.explicitAcks).toHaveLength(2);
    expect(await rows(org.id, "/api/v1/meetings/{meetingId}")).toHaveLength(2);

    const later = auditMessage([record(org.id)]);
    const failing = await consume("storage-jobs", [later], { DB: d1RefusingAuditWrites() });
    captureErrorLogs();
    expect(failing.retryMessages).toHaveLength(1);
    expect(failing.explicitAcks).toHaveLength(0);
    expect(await rows(org.id, "/api/v1/meetings/{meetingId}")).toHaveLength(2);
  });

  it("gives dead-lettered records one more write, else logs them whole", async () => {
    const org = await createOrg();
    const logs = captureErrorLogs();
    const kept = record(org.id);
    await consume("storage-jobs-dlq", [auditMessage([kept])]);
    expect((await rows(org.id)).map((r) => r.id)).toContain(kept.id);

    const lost = record(org.id);
    const result = await consume("storage-jobs-dlq", [auditMessage([lost])], { DB: d1RefusingAuditWrites() });
    expect(result.explicitAcks).toHaveLength(1);
    expect(logs()).toContainEqual(expect.objectContaining({ auditId: lost.id, record: lost }));
  });
});

describe("audit log: every request holds its batch open until its row is written", () => {
  const meetingRequest = (org: TestOrg) =>
    new Request(`${BASE}/api/v1/meetings`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.key}`, "content-type": "application/json" },
      body: JSON.stringify({ endDate: new Date(Date.now() + 3_600_000).toISOString() }),
    });

  /** Two requests at once (so their records share a batch) through `bindings`; their contexts and meeting ids. */
  async function twoRequests(org: TestOrg, bindings: Env) {
    const contexts = [createExecutionContext(), createExecutionContext()];
    const responses = await Promise.all(contexts.map((ctx) => worker.fetch(meetingRequest(org), bindings, ctx)));
    expect(responses.map((r) => r.status)).toEqual([201, 201]);
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { meetingId: string }).meetingId));
    // The first request whose after-response work settles, whichever of the two wrote the batch.
    const first = await Promise.race(contexts.map((ctx, i) => waitOnExecutionContext(ctx).then(() => i)));
    return { contexts, ids, first };
  }

  it("each request's waitUntil settles only once its own row is in D1, not only the writer's", async () => {
    const org = await createOrg();
    const { contexts, ids, first } = await twoRequests(org, env);
    const written = (await rows(org.id, "/api/v1/meetings")).map((r) => r.object_id);
    expect(written).toContain(ids[first]);
    for (const ctx of contexts) await waitOnExecutionContext(ctx);
  });

  it("writes its own row when the request writing its batch never finishes (cancelled)", async () => {
    const org = await createOrg();
    // The first audit insert through this binding never answers (its request was cancelled); later ones pass.
    let hung = false;
    const db = new Proxy(env.DB, {
      get(target, property) {
        if (property === "prepare") {
          return (query: string) => {
            if (hung || !/insert into "audit_log"/i.test(query)) return target.prepare(query);
            hung = true;
            const never = () => new Promise(() => {});
            const stuck = { bind: () => stuck, run: never, all: never, raw: never, first: never };
            return stuck;
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const { ids, first } = await twoRequests(org, { ...env, DB: db });
    expect(hung).toBe(true);
    // The request that did not write the hung insert wrote its own row; the writer's is in the insert that never answered.
    expect((await rows(org.id, "/api/v1/meetings")).map((r) => r.object_id)).toEqual([ids[first]]);
  }, 30_000);
});

describe("GET /api/v1/audit-log", () => {
  it("lists newest first, pages by cursor and filters", async () => {
    const org = await createOrg();
    const t0 = Date.UTC(2026, 10, 1);
    const a = await seed(org.id, { createdAt: t0, keyId: "key_a", method: "POST", objectId: "mtg_1" });
    const b = await seed(org.id, { createdAt: t0 + DAY, keyId: "key_b", method: "DELETE", objectId: "mtg_1" });
    const c = await seed(org.id, { createdAt: t0 + 2 * DAY, keyId: "key_a", method: "PATCH", objectId: "whk_1" });
    const from = "createdAt[from]=2026-11-01T00:00:00Z";
    const to = "createdAt[to]=2026-11-03T00:00:00.000Z";

    const first = await list(org, `?limit=2&${from}&${to}`);
    expect(first.results.map((e) => e.id)).toEqual([c, b]);
    const second = await list(org, `?limit=2&${from}&${to}&cursor=${first.cursor}`);
    expect(second.results.map((e) => e.id)).toEqual([a]);
    expect(second.cursor).toBeNull();
    expect(first.results[0]).toEqual({
      id: c,
      keyId: "key_a",
      memberId: null,
      actorType: "api",
      method: "PATCH",
      route: "/api/v1/meetings",
      objectId: "whk_1",
      status: 201,
      requestId: `req_${c}`,
      createdAt: new Date(t0 + 2 * DAY).toISOString(),
    });

    const ids = async (query: string) => (await list(org, `?${query}`)).results.map((e) => e.id);
    expect(await ids(`${from}&keyId=key_a`)).toEqual([c, a]);
    expect(await ids(`${from}&method=DELETE`)).toEqual([b]);
    expect(await ids(`${from}&objectId=mtg_1`)).toEqual([b, a]);
    expect(await ids(`createdAt[from]=2026-11-02T01:00:00%2B01:00&${to}`)).toEqual([c, b]);
    expect(await ids(`${from}&createdAt[to]=2026-11-01T23:59:59.999Z`)).toEqual([a]);
  });

  it("refuses invalid filters with 400 validation_error", async () => {
    const org = await createOrg();
    for (const [query, location] of [
      ["createdAt[from]=yesterday", "query.createdAt[from]"],
      ["createdAt[to]=2026-13-01T00:00:00Z", "query.createdAt[to]"],
      ["createdAt[from]=2026-11-02T00:00:00Z&createdAt[to]=2026-11-01T00:00:00Z", "query.createdAt[from]"],
      ["method=FETCH", "query.method"],
      ["limit=0", "query.limit"],
      ["cursor=nonsense", "query.cursor"],
      ["since=2026-11-01T00:00:00Z", "query.since"],
    ]) {
      const res = await org.api(`/api/v1/audit-log?${query}`);
      expect(res.status, query).toBe(400);
      const body = await problem(res);
      expect(body.code).toBe("validation_error");
      expect((body.errors as { location: string }[]).map((e) => e.location)).toContain(location);
    }
  });

  it("shows an organization only its own log, and only to admin keys", async () => {
    const org = await createOrg();
    const other = await createOrg();
    await seed(org.id, { createdAt: Date.now() });
    expect((await list(other, "?keyId=key_seed")).results).toEqual([]);
    for (const scopes of [["read"], ["write"], ["read", "write"]]) {
      const limited = await createOrg("professional", { scopes });
      const res = await limited.api("/api/v1/audit-log");
      expect(res.status).toBe(403);
      expect((await problem(res)).code).toBe("forbidden");
    }
  });
});

describe("audit log retention", () => {
  it("deletes rows older than 12 months in the retention cron and keeps younger ones", async () => {
    const org = await createOrg();
    const now = Date.now();
    const old = await seed(org.id, { createdAt: now - 366 * DAY });
    const young = await seed(org.id, { createdAt: now - 300 * DAY });
    await purgeExpiredRecords(env, now);
    const left = (await rows(org.id)).map((r) => r.id);
    expect(left).toContain(young);
    expect(left).not.toContain(old);
  });
});
