import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { SESSION_IDLE_MS, SESSION_SWEEP_BATCH } from "../src/services/dashboard-sessions";
import { signedInMember } from "./dashboard-helpers";
import { createOrg } from "./helpers";

const HOUR = 60 * 60 * 1000;

/** Runs every job of the every-minute cron, as Cloudflare would. */
const everyMinute = () =>
  worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env);

async function insertSession(orgId: string, lastSeenAt: number, expiresAt: number): Promise<string> {
  const id = `dss_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.prepare(
    "INSERT INTO dashboard_sessions (id, org_id, member_id, token_hash, created_at, last_seen_at, expires_at) VALUES (?, ?, 'mem_x', ?, ?, ?, ?)",
  )
    .bind(id, orgId, crypto.randomUUID(), lastSeenAt, lastSeenAt, expiresAt)
    .run();
  return id;
}

const sessionIds = async (orgId: string) =>
  (
    await env.DB.prepare("SELECT id FROM dashboard_sessions WHERE org_id = ?").bind(orgId).all<{ id: string }>()
  ).results.map((r) => r.id);

describe("cron: expired dashboard sessions", () => {
  it("deletes sessions past their absolute or idle expiry and keeps live ones", async () => {
    const org = await createOrg();
    const now = Date.now();
    const live = await signedInMember(org.id, "agent");
    const pastAbsolute = await insertSession(org.id, now - HOUR, now - 1);
    const idle = await insertSession(org.id, now - SESSION_IDLE_MS - HOUR, now + 24 * HOUR);
    const [liveId] = await sessionIds(org.id);
    expect((await sessionIds(org.id)).sort()).toEqual([liveId, pastAbsolute, idle].sort());

    await everyMinute();

    expect(await sessionIds(org.id)).toEqual([liveId]);
    expect((await live.browser.get("/dashboard")).status).toBe(200);
  });

  it("works in bounded batches: one run deletes at most a batch, the next the rest", async () => {
    const org = await createOrg();
    const now = Date.now();
    await env.DB.prepare("DELETE FROM dashboard_sessions WHERE expires_at < ?").bind(now).run();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO dashboard_sessions (id, org_id, member_id, token_hash, created_at, last_seen_at, expires_at)
       SELECT 'dss_sweep_' || ? || '_' || i, ?, 'mem_x', 'hash_' || ? || '_' || i, ?, ?, ? FROM n`,
    )
      .bind(SESSION_SWEEP_BATCH + 3, org.id, org.id, org.id, now - 2 * HOUR, now - 2 * HOUR, now - HOUR)
      .run();

    await everyMinute();
    expect((await sessionIds(org.id)).length).toBe(3);
    await everyMinute();
    expect((await sessionIds(org.id)).length).toBe(0);
  });
});
