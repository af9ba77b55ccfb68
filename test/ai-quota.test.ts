import { describe, expect, it } from "vitest";
import { orgGate } from "../src/services/org-gate";
import { advanceGateClock } from "./gate-clock";
import { admin, createOrg, env } from "./helpers";

describe("AI quota in the organization's Durable Object", () => {
  it("reserves up to the monthly limit, refunds failures and ignores repeated commits/refunds", async () => {
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 2 } });
    const gate = orgGate(env, org.id);
    const a = await gate.reserveAiGeneration(org.id, "res_a");
    const b = await gate.reserveAiGeneration(org.id, "res_b");
    expect(a.ok && b.ok).toBe(true);
    const c = await gate.reserveAiGeneration(org.id, "res_c");
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.usage).toMatchObject({ used: 2, limit: 2, remaining: 0 });
      expect(c.retryAfterMs).toBeGreaterThan(0);
      expect(c.usage.resetAtMs).toBeGreaterThan(Date.now());
    }
    await gate.commitAiGeneration("res_a");
    await gate.refundAiGeneration("res_b");
    await gate.refundAiGeneration("res_b");
    await gate.refundAiGeneration("res_a"); // committed: not refundable
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 1, remaining: 1 });
    expect((await gate.reserveAiGeneration(org.id, "res_d")).ok).toBe(true);
  });

  it("starts each billing month with the full quota", async () => {
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 1 } });
    const gate = orgGate(env, org.id);
    const taken = await gate.reserveAiGeneration(org.id, "m1");
    expect((await gate.reserveAiGeneration(org.id, "m2")).ok).toBe(false);
    await advanceGateClock(org.id, taken.usage.resetAtMs - Date.now());
    const next = await gate.reserveAiGeneration(org.id, "m3");
    expect(next).toMatchObject({ ok: true, usage: { used: 1, limit: 1, remaining: 0 } });
    expect(next.usage.resetAtMs).toBeGreaterThan(taken.usage.resetAtMs);
  });

  it("treats unlimited plans as unlimited and shows usage on GET /organization", async () => {
    const org = await createOrg("enterprise");
    const gate = orgGate(env, org.id);
    for (let i = 0; i < 5; i++) expect((await gate.reserveAiGeneration(org.id, `r${i}`)).ok).toBe(true);
    const body = (await (await org.api("/api/v1/organization")).json()) as {
      usage: { aiGenerations: { used: number; limit: number | null; remaining: number | null; resetAt: string } };
      createdAt: string;
    };
    expect(body.usage.aiGenerations).toMatchObject({ used: 5, limit: null, remaining: null });
    const created = new Date(body.createdAt);
    const reset = new Date(body.usage.aiGenerations.resetAt);
    expect(reset.getUTCDate()).toBe(Math.min(created.getUTCDate(), reset.getUTCDate()));
    expect(reset.getTime()).toBeGreaterThan(Date.now());
  });

  it("keeps usage counters and reports them on GET /organization", async () => {
    const org = await createOrg("professional");
    const gate = orgGate(env, org.id);
    expect(await gate.addUsage("storageBytes", 1_000)).toBe(1_000);
    expect(await gate.addUsage("storageBytes", -400)).toBe(600);
    expect(await gate.addUsage("transcriptionSeconds", 90)).toBe(90);
    expect(await gate.addUsage("storageBytes", -10_000)).toBe(0); // never negative
    await gate.addUsage("storageBytes", 42);
    const body = (await (await org.api("/api/v1/organization")).json()) as { usage: Record<string, unknown> };
    expect(body.usage).toMatchObject({ storageBytes: 42, transcriptionSeconds: 90 });
  });

  it("picks up a raised limit from the operator at once", async () => {
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 1 } });
    const gate = orgGate(env, org.id);
    expect((await gate.reserveAiGeneration(org.id, "x1")).ok).toBe(true);
    expect((await gate.reserveAiGeneration(org.id, "x2")).ok).toBe(false);
    await admin(`/admin/v1/organizations/${org.id}`, {
      method: "PATCH",
      json: { limits: { aiGenerationsPerMonth: 5 } },
    });
    expect((await gate.reserveAiGeneration(org.id, "x3")).ok).toBe(true);
  });
});

describe("expiry of AI reservations that are never committed nor refunded", () => {
  const MINUTE = 60_000;

  it("gives a reservation left open past its hold back to the month, when usage is next read", async () => {
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 2 } });
    const gate = orgGate(env, org.id);
    await gate.reserveAiGeneration(org.id, "crashed-sync", { holdMs: 15 * MINUTE });
    await gate.reserveAiGeneration(org.id, "crashed-queued", { holdMs: 180 * MINUTE });
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 2, remaining: 0 });
    await advanceGateClock(org.id, 15 * MINUTE - 1000);
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 2, remaining: 0 });
    await advanceGateClock(org.id, 15 * MINUTE + 1);
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 1, remaining: 1 });
    await advanceGateClock(org.id, 180 * MINUTE + 1);
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 0, remaining: 2 });
    const body = (await (await org.api("/api/v1/organization")).json()) as {
      usage: { aiGenerations: { used: number; remaining: number } };
    };
    expect(body.usage.aiGenerations).toMatchObject({ used: 0, remaining: 2 });
  });

  it("admits a new reservation once an expired one is given back, even when the month looked used up", async () => {
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 1 } });
    const gate = orgGate(env, org.id);
    await gate.reserveAiGeneration(org.id, "stuck", { holdMs: 15 * MINUTE });
    expect((await gate.reserveAiGeneration(org.id, "refused")).ok).toBe(false);
    await advanceGateClock(org.id, 16 * MINUTE);
    expect((await gate.reserveAiGeneration(org.id, "fresh", { holdMs: 15 * MINUTE })).ok).toBe(true);
  });

  it("counts a late commit of an expired reservation again, so a slow job never makes a free generation", async () => {
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 3 } });
    const gate = orgGate(env, org.id);
    await gate.reserveAiGeneration(org.id, "slow", { holdMs: 15 * MINUTE });
    await advanceGateClock(org.id, 16 * MINUTE);
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 0 });
    await gate.commitAiGeneration("slow");
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 1, remaining: 2 });
    await gate.commitAiGeneration("slow");
    await gate.refundAiGeneration("slow"); // committed: stays spent
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 1 });
  });

  it("does not refund an expired reservation twice", async () => {
    const org = await createOrg("starter", { limits: { aiGenerationsPerMonth: 3 } });
    const gate = orgGate(env, org.id);
    await gate.reserveAiGeneration(org.id, "kept", { holdMs: 180 * MINUTE });
    await gate.reserveAiGeneration(org.id, "lost", { holdMs: 15 * MINUTE });
    await advanceGateClock(org.id, 16 * MINUTE);
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 1 });
    await gate.refundAiGeneration("lost"); // the job's own refund arrives after the gate gave it back
    expect(await gate.aiUsage(org.id)).toMatchObject({ used: 1 });
  });
});
