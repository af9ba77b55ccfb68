import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { createOrg, type TestOrg } from "./helpers";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Runs every job of the every-minute cron, as Cloudflare would. */
const everyMinute = () =>
  worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env);

async function eventWithDelivery(orgId: string, age: number): Promise<{ eventId: string; deliveryId: string }> {
  const at = Date.now() - age;
  const eventId = `evt_${crypto.randomUUID().replaceAll("-", "")}`;
  const deliveryId = `dlv_${crypto.randomUUID().replaceAll("-", "")}`;
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO events (id, org_id, type, data, created_at, enqueued_at, fanned_out_at) VALUES (?, ?, 'meeting.created', '{}', ?, ?, ?)",
    ).bind(eventId, orgId, at, at, at),
    env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, status, created_at, updated_at)
       VALUES (?, ?, 'whk_gone', ?, 'meeting.created', 'succeeded', ?, ?)`,
    ).bind(deliveryId, orgId, eventId, at, at),
  ]);
  return { eventId, deliveryId };
}

async function uploadStartedAgo(org: TestOrg, age: number): Promise<string> {
  const res = await org.api("/api/v1/recordings/uploads", {
    method: "POST",
    json: { filename: "open.webm", contentType: "video/webm" },
  });
  const { recordingId } = (await res.json()) as { recordingId: string };
  await env.DB.prepare("UPDATE recordings SET created_at = ? WHERE id = ?")
    .bind(Date.now() - age, recordingId)
    .run();
  return recordingId;
}

const exists = async (table: string, id: string) =>
  (await env.DB.prepare(`SELECT 1 AS x FROM ${table} WHERE id = ?`).bind(id).first()) !== null;

describe("retention jobs run from the every-minute cron (SPEC §9)", () => {
  it("drops events and webhook deliveries after 30 days and unfinished uploads after 24 hours, keeping younger ones", async () => {
    const org = await createOrg();
    const old = await eventWithDelivery(org.id, 30 * DAY + HOUR);
    const young = await eventWithDelivery(org.id, 29 * DAY);
    const staleUpload = await uploadStartedAgo(org, 25 * HOUR);
    const openUpload = await uploadStartedAgo(org, 23 * HOUR);

    await everyMinute();

    expect(await exists("events", old.eventId)).toBe(false);
    expect(await exists("webhook_deliveries", old.deliveryId)).toBe(false);
    expect(await exists("events", young.eventId)).toBe(true);
    expect(await exists("webhook_deliveries", young.deliveryId)).toBe(true);
    expect(await exists("recordings", staleUpload)).toBe(false);
    expect(await exists("recordings", openUpload)).toBe(true);
  });
});
