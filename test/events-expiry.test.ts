import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { EXPIRY_LIMITS, expireMeetings } from "../src/cron/expire-meetings";
import { sweepEventOutbox } from "../src/cron/retention";
import worker from "../src/index";
import { captureErrorLogs, createMeeting, createOrg, env, problem, type TestOrg } from "./helpers";

type EventBody = { id: string; type: string; createdAt: string; data: Record<string, unknown> };

const newMeeting = async (org: TestOrg) => (await createMeeting(org)).body;

/**
 * An instant long before any meeting another test makes: the expiry job run "then" sees only the meetings
 * seeded to expire by it, so its counts cannot include what other tests in this file left behind.
 */
const LONG_AGO = Date.UTC(2001, 0, 1);

/** Bulk-inserts `count` meetings for `orgId` that had expired by `at`, in one SQL statement. */
async function seedExpired(orgId: string, count: number, at: number) {
  const ended = at - 2 * 3_600_000;
  await env.DB.prepare(
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
     INSERT INTO meetings (id, org_id, room_name, start_date, end_date, expires_at, is_locked, room_mode, recording, created_at)
     SELECT 'mtg_x' || lower(hex(randomblob(10))), ?, '/old-' || lower(hex(randomblob(8))), ?, ?, ?, 0, 'normal',
            '{"type":"none","startTrigger":"none"}', ?
     FROM seq`,
  )
    .bind(count, orgId, ended - 3_600_000, ended, ended + 3_600_000, ended - 3_600_000)
    .run();
}

describe("event log", () => {
  it("records meeting.created and meeting.deleted, lists them newest first and filters by type", async () => {
    const org = await createOrg();
    const meeting = await newMeeting(org);
    await org.api(`/api/v1/meetings/${meeting.meetingId}`, { method: "DELETE" });
    await org.api(`/api/v1/meetings/${meeting.meetingId}`, { method: "DELETE" }); // idempotent: no second event
    const all = (await (await org.api("/api/v1/events")).json()) as { results: EventBody[]; cursor: null };
    expect(all.results.map((e) => e.type)).toEqual(["meeting.deleted", "meeting.created"]);
    expect(all.results[1]?.data).toMatchObject({ meetingId: meeting.meetingId, roomName: meeting.roomName });
    expect(all.results[0]?.id).toMatch(/^evt_/);

    const created = (await (await org.api("/api/v1/events?type=meeting.created")).json()) as { results: EventBody[] };
    expect(created.results).toHaveLength(1);
    const one = await org.api(`/api/v1/events/${created.results[0]?.id}`);
    expect(await one.json()).toEqual(created.results[0]);

    const bad = await org.api("/api/v1/events?type=meeting.exploded");
    expect(((await problem(bad)).errors as { location: string }[])[0]?.location).toBe("query.type");
  });

  it("keeps events private to their organization", async () => {
    const org = await createOrg();
    const other = await createOrg();
    await newMeeting(org);
    const events = (await (await org.api("/api/v1/events")).json()) as { results: EventBody[] };
    const res = await other.api(`/api/v1/events/${events.results[0]?.id}`);
    expect(res.status).toBe(404);
    expect(((await (await other.api("/api/v1/events")).json()) as { results: unknown[] }).results).toHaveLength(0);
  });

  it("marks events enqueued, and the outbox sweeper re-sends any left behind", async () => {
    const org = await createOrg();
    await newMeeting(org);
    await expect
      .poll(
        async () =>
          (await env.DB.prepare("SELECT enqueued_at FROM events WHERE org_id = ?").bind(org.id).first())?.enqueued_at,
      )
      .not.toBeNull();
    // An event whose publishing never happened (the isolate died after the commit):
    await env.DB.prepare(
      "INSERT INTO events (id, org_id, type, data, created_at) VALUES ('evt_stranded', ?, 'meeting.created', '{}', ?)",
    )
      .bind(org.id, Date.now() - 120_000)
      .run();
    expect(await sweepEventOutbox(env, Date.now())).toBeGreaterThanOrEqual(1);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE org_id = ? AND enqueued_at IS NULL")
      .bind(org.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("acknowledges a fan-out of unknown events and drops unparseable webhook messages", async () => {
    const batch = createMessageBatch("webhooks", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { kind: "events.v1", eventIds: ["evt_1"] } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { garbage: true } },
    ]);
    const ctx = createExecutionContext();
    const errorLogs = captureErrorLogs();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    expect(errorLogs()).toEqual([
      { level: "error", queue: "webhooks", messageId: "m2", problem: "unparseable message" },
    ]);
  });
});

describe("meeting expiry job", () => {
  it("deletes meetings an hour past endDate, emits meeting.expired and is idempotent", async () => {
    const org = await createOrg();
    const keep = await newMeeting(org);
    const doomed = await newMeeting(org);
    await env.DB.prepare("UPDATE meetings SET end_date = ?, expires_at = ? WHERE id = ?")
      .bind(Date.now() - 3_660_000, Date.now() - 60_000, doomed.meetingId)
      .run();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env);
    const row = await env.DB.prepare("SELECT deleted_at FROM meetings WHERE id = ?").bind(doomed.meetingId).first();
    expect(row?.deleted_at).not.toBeNull();
    expect((await org.api(`/api/v1/meetings/${keep.meetingId}`)).status).toBe(200);

    const expired = (await (await org.api("/api/v1/events?type=meeting.expired")).json()) as { results: EventBody[] };
    expect(expired.results).toHaveLength(1);
    expect(expired.results[0]?.id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(expired.results[0]?.data).toMatchObject({ meetingId: doomed.meetingId, roomName: doomed.roomName });
    expect(String(expired.results[0]?.data.endDate)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    await expireMeetings(env, Date.now()); // again: nothing new for this organization
    const again = (await (await org.api("/api/v1/events?type=meeting.expired")).json()) as { results: EventBody[] };
    expect(again.results.map((e) => e.id)).toEqual(expired.results.map((e) => e.id));
    const rowAgain = await env.DB.prepare("SELECT deleted_at FROM meetings WHERE id = ?")
      .bind(doomed.meetingId)
      .first();
    expect(rowAgain?.deleted_at).toBe(row?.deleted_at);
    expect((await org.api(`/api/v1/meetings/${doomed.meetingId}`, { method: "DELETE" })).status).toBe(204);
    const after = (await (await org.api("/api/v1/events?type=meeting.deleted")).json()) as { results: EventBody[] };
    expect(after.results).toHaveLength(0);
  });

  it("clears a large backlog in bounded runs", async () => {
    const org = await createOrg();
    const limits = { ...EXPIRY_LIMITS, maxPages: 3, pageSize: 400 };
    const backlog = limits.maxPages * limits.pageSize + 150;
    await seedExpired(org.id, backlog, LONG_AGO);
    const first = await expireMeetings(env, LONG_AGO, limits);
    expect(first).toEqual({ expired: limits.maxPages * limits.pageSize, pages: limits.maxPages });
    const second = await expireMeetings(env, LONG_AGO, limits);
    expect(second).toEqual({ expired: 150, pages: 1 });
    expect(await expireMeetings(env, LONG_AGO, { ...limits, timeBudgetMs: 0 })).toEqual({ expired: 0, pages: 0 });
    const events = await env.DB.prepare(
      "SELECT count(*) AS n FROM events WHERE org_id = ? AND type = 'meeting.expired'",
    )
      .bind(org.id)
      .first<{ n: number }>();
    expect(events?.n).toBe(backlog);
    const unqueued = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE org_id = ? AND enqueued_at IS NULL")
      .bind(org.id)
      .first<{ n: number }>();
    expect(unqueued?.n).toBe(0);
  });
});
