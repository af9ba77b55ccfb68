import { DurableObject } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { apiKeys, organizations } from "../db/schema";
import { effectiveLimits, PLANS, type PlanLimits } from "../lib/plans";
import { billingCycle } from "../lib/time";
import { BUDGET_SCHEMA, BudgetReservations } from "./budget-reservations";
import { IDEMPOTENCY_SCHEMA, IdempotencyStore, type StoredResponse } from "./idempotency-store";
import { type BudgetState, RollingBudget } from "./rolling-budget";

/** What the gate knows about its organization; refreshed from D1 on start and on operator changes. */
export interface GateConfig {
  orgId: string;
  name: string;
  plan: keyof typeof PLANS;
  status: "active" | "suspended" | "cancelled";
  limits: PlanLimits;
  createdAt: number;
}

/** The organization as its gate knows it, handed back with every admission so reads need no extra hop. */
export interface OrgSnapshot {
  id: string;
  name: string;
  plan: GateConfig["plan"];
  status: GateConfig["status"];
  createdAt: number;
  limits: PlanLimits;
  aiGenerations: AiUsage;
  storageBytes: number;
  transcriptionSeconds: number;
}

export type AdmitResult =
  | { outcome: "unauthorized" }
  | ({ outcome: "forbidden"; detail: string } & BudgetState)
  | ({ outcome: "rate_limited"; retryAfterMs: number } & BudgetState)
  | ({ outcome: "admitted"; org: OrgSnapshot } & BudgetState);

export type UsageCounter = "storageBytes" | "transcriptionSeconds";

export interface AiUsage {
  used: number;
  limit: number | null;
  remaining: number | null;
  resetAtMs: number;
}

export type AiReservation =
  | { ok: true; reservationId: string; usage: AiUsage }
  | { ok: false; usage: AiUsage; retryAfterMs: number };

export type { StoredResponse } from "./idempotency-store";

const LAST_USED_FLUSH_MS = 30_000;
/** A reservation that was neither committed nor refunded (a crashed job) counts as used. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ai_usage (cycle_start INTEGER PRIMARY KEY, used INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS ai_reservations (
    id TEXT PRIMARY KEY, cycle_start INTEGER NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS usage_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/**
 * One per organization (`idFromName(orgId)`): the serial point of truth for the point budget,
 * the monthly AI quota, usage counters, the live set of API keys (so revocation is seen by every
 * isolate on the very next request) and the organization's Idempotency-Key records.
 */
export class OrgGate extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly budget: RollingBudget;
  private readonly reservations: BudgetReservations;
  private readonly idempotency: IdempotencyStore;
  private config: GateConfig | null = null;
  /** keyId → revoked? Unknown ids are treated as revoked. */
  private keys = new Map<string, boolean>();
  private loaded = false;
  private loading: Promise<void> | null = null;
  /** Bumped by refresh(), so a D1 read begun before an operator change cannot overwrite a newer one. */
  private generation = 0;
  private readonly lastUsed = new Map<string, number>();
  /** Mirrors of small SQLite tables, so admitting a request reads no storage. */
  private readonly counters = new Map<string, number>();
  private readonly aiUsed = new Map<number, number>();
  private lastUsedDueAt = 0;
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(BUDGET_SCHEMA + SCHEMA + IDEMPOTENCY_SCHEMA);
    this.reservations = new BudgetReservations(this.sql);
    this.budget = new RollingBudget(this.reservations.load());
    this.idempotency = new IdempotencyStore(this.sql);
    for (const row of this.sql.exec<{ name: string; value: number }>("SELECT name, value FROM usage_counters")) {
      this.counters.set(row.name, row.value);
    }
    for (const row of this.sql.exec<{ cycle_start: number; used: number }>("SELECT cycle_start, used FROM ai_usage")) {
      this.aiUsed.set(row.cycle_start, row.used);
    }
  }

  /** Checks the key and the organization, then spends `cost` points if they fit. */
  async admit(orgId: string, keyId: string, cost: number): Promise<AdmitResult> {
    let config = await this.load(orgId);
    // A key this gate has not heard of was created while its notification was lost: ask D1 once.
    if (config && !this.keys.has(keyId)) config = await this.refresh(orgId);
    if (!config || this.keys.get(keyId) !== false) return { outcome: "unauthorized" };
    const now = Date.now();
    const limit = config.limits.pointsPerMinute ?? 0;
    const refusal = accessRefusal(config);
    if (refusal) return { outcome: "forbidden", detail: refusal, ...this.budget.state(limit, now) };

    const decision = this.budget.tryConsume(cost, limit, now);
    if (!decision.admitted) {
      const { admitted: _, ...rest } = decision;
      return { outcome: "rate_limited", ...rest };
    }
    this.reservations.spend(cost, limit, decision.remaining + cost, now);
    this.noteKeyUse(keyId, now);
    const { admitted: _, ...state } = decision;
    return { outcome: "admitted", ...state, org: this.snapshot(config, now) };
  }

  /** Adds to the organization's usage counters (bytes stored, seconds transcribed); deltas may be negative. */
  addUsage(counter: UsageCounter, delta: number): number {
    const row = this.sql
      .exec<{ value: number }>(
        `INSERT INTO usage_counters (name, value) VALUES (?, MAX(0, ?))
         ON CONFLICT(name) DO UPDATE SET value = MAX(0, value + ?) RETURNING value`,
        counter,
        delta,
        delta,
      )
      .toArray()[0];
    const value = row?.value ?? 0;
    this.counters.set(counter, value);
    return value;
  }

  private snapshot(config: GateConfig, now: number): OrgSnapshot {
    return {
      id: config.orgId,
      name: config.name,
      plan: config.plan,
      status: config.status,
      createdAt: config.createdAt,
      limits: config.limits,
      aiGenerations: this.currentAiUsage(config, now),
      storageBytes: this.counters.get("storageBytes") ?? 0,
      transcriptionSeconds: this.counters.get("transcriptionSeconds") ?? 0,
    };
  }

  /** The budget as it stands, without spending anything. */
  async budgetState(orgId: string): Promise<BudgetState | null> {
    const config = await this.load(orgId);
    if (!config) return null;
    return this.budget.state(config.limits.pointsPerMinute ?? 0, Date.now());
  }

  /** The organization's status as the gate knows it (no storage read once loaded); null for an unknown org. */
  async organizationStatus(orgId: string): Promise<GateConfig["status"] | null> {
    return (await this.load(orgId))?.status ?? null;
  }

  /** Replaces the cached organization settings after an operator change in D1. */
  async refresh(orgId: string): Promise<GateConfig | null> {
    this.loaded = false;
    this.loading = null;
    this.generation++;
    return this.load(orgId);
  }

  keyCreated(orgId: string, keyId: string): void {
    if (this.config?.orgId === orgId && !this.keys.has(keyId)) this.keys.set(keyId, false);
  }

  async keyRevoked(orgId: string, keyId: string): Promise<void> {
    await this.load(orgId);
    this.keys.set(keyId, true);
    this.lastUsed.delete(keyId);
  }

  /** Last-use times not yet flushed to D1, so key listings are fresh without a write per request. */
  pendingKeyUsage(): Record<string, number> {
    return Object.fromEntries(this.lastUsed);
  }

  async aiUsage(orgId: string): Promise<AiUsage | null> {
    const config = await this.load(orgId);
    if (!config) return null;
    return this.currentAiUsage(config, Date.now());
  }

  /** Takes one generation from this month's quota, to be committed or refunded later. */
  async reserveAiGeneration(orgId: string, reservationId: string): Promise<AiReservation> {
    const config = await this.load(orgId);
    if (!config) throw new Error(`organization ${orgId} not found`);
    const now = Date.now();
    const usage = this.currentAiUsage(config, now);
    const existing = this.sql
      .exec<{ state: string }>("SELECT state FROM ai_reservations WHERE id = ?", reservationId)
      .toArray()[0];
    if (existing) return { ok: true, reservationId, usage };
    if (usage.remaining !== null && usage.remaining <= 0) {
      return { ok: false, usage, retryAfterMs: usage.resetAtMs - now };
    }
    const cycleStart = billingCycle(config.createdAt, now).start;
    this.aiUsed.set(
      cycleStart,
      this.sql
        .exec<{ used: number }>(
          "INSERT INTO ai_usage (cycle_start, used) VALUES (?, 1) ON CONFLICT(cycle_start) DO UPDATE SET used = used + 1 RETURNING used",
          cycleStart,
        )
        .one().used,
    );
    this.sql.exec(
      "INSERT INTO ai_reservations (id, cycle_start, state, created_at) VALUES (?, ?, 'reserved', ?)",
      reservationId,
      cycleStart,
      now,
    );
    return { ok: true, reservationId, usage: this.currentAiUsage(config, now) };
  }

  commitAiGeneration(reservationId: string): void {
    this.sql.exec("UPDATE ai_reservations SET state = 'committed' WHERE id = ? AND state = 'reserved'", reservationId);
  }

  /** Gives a failed generation back to the month it was taken from. Idempotent. */
  refundAiGeneration(reservationId: string): void {
    const row = this.sql
      .exec<{ cycle_start: number }>(
        "UPDATE ai_reservations SET state = 'refunded' WHERE id = ? AND state = 'reserved' RETURNING cycle_start",
        reservationId,
      )
      .toArray()[0];
    if (row) {
      const updated = this.sql
        .exec<{ used: number }>(
          "UPDATE ai_usage SET used = MAX(0, used - 1) WHERE cycle_start = ? RETURNING used",
          row.cycle_start,
        )
        .toArray()[0];
      this.aiUsed.set(row.cycle_start, updated?.used ?? 0);
    }
  }

  idempotencyBegin(key: string, fingerprint: string) {
    return this.idempotency.begin(key, fingerprint, Date.now());
  }

  idempotencyComplete(key: string, fingerprint: string, response: StoredResponse): void {
    this.idempotency.complete(key, fingerprint, response, Date.now());
  }

  idempotencyRelease(key: string, fingerprint: string): void {
    this.idempotency.release(key, fingerprint);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    if (this.lastUsed.size === 0) return;
    if (this.lastUsedDueAt > Date.now()) {
      this.scheduleAlarm(this.lastUsedDueAt);
      return;
    }
    await this.flushLastUsed();
  }

  private async flushLastUsed(): Promise<void> {
    const orgId = this.config?.orgId;
    const pending = [...this.lastUsed.entries()];
    this.lastUsed.clear();
    if (!orgId) return;
    const db = createDb(this.env.DB);
    const [first, ...rest] = pending.map(([keyId, at]) =>
      db
        .update(apiKeys)
        .set({ lastUsedAt: at })
        .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId))),
    );
    if (!first) return;
    try {
      await db.batch([first, ...rest]);
    } catch (error) {
      // Put the times back (newer uses win) so the retried alarm writes them.
      for (const [keyId, at] of pending) if (!this.lastUsed.has(keyId)) this.lastUsed.set(keyId, at);
      throw error;
    }
  }

  /** An earlier need moves the alarm forward. */
  private scheduleAlarm(at: number): void {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  private noteKeyUse(keyId: string, now: number): void {
    if (this.lastUsed.size === 0) {
      this.lastUsedDueAt = now + LAST_USED_FLUSH_MS;
      this.scheduleAlarm(this.lastUsedDueAt);
    }
    this.lastUsed.set(keyId, now);
  }

  private currentAiUsage(config: GateConfig, now: number): AiUsage {
    const cycle = billingCycle(config.createdAt, now);
    const used = this.aiUsed.get(cycle.start) ?? 0;
    const limit = config.limits.aiGenerationsPerMonth;
    return { used, limit, remaining: limit === null ? null : Math.max(0, limit - used), resetAtMs: cycle.end };
  }

  private async load(orgId: string): Promise<GateConfig | null> {
    while (!this.loaded) {
      const generation = this.generation;
      if (!this.loading) {
        const loading = this.fetchConfig(orgId, generation).finally(() => {
          if (this.loading === loading) this.loading = null;
        });
        this.loading = loading;
      }
      await this.loading;
      // A refresh() during the read superseded it: wait for the newer read instead.
      if (generation === this.generation) break;
    }
    return this.config;
  }

  private async fetchConfig(orgId: string, generation: number): Promise<void> {
    const db = createDb(this.env.DB);
    const [orgRows, keyRows] = await db.batch([
      db.select().from(organizations).where(eq(organizations.id, orgId)),
      db.select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.orgId, orgId)),
    ]);
    if (generation !== this.generation) return;
    const org = orgRows[0];
    if (!org) {
      this.config = null;
      return;
    }
    this.config = {
      orgId,
      name: org.name,
      plan: org.plan,
      status: org.status,
      limits: effectiveLimits(org.plan, org.limitOverrides),
      createdAt: org.createdAt,
    };
    // Revocations that arrived through RPC while D1 was being read must win over the snapshot.
    const revokedHere = [...this.keys.entries()].filter(([, revoked]) => revoked).map(([id]) => id);
    this.keys = new Map(keyRows.map((k) => [k.id, k.revokedAt !== null]));
    for (const id of revokedHere) this.keys.set(id, true);
    this.loaded = true;
  }
}

function accessRefusal(config: GateConfig): string | null {
  if (config.status === "suspended")
    return "This organization is suspended; API access is paused until it is reactivated.";
  if (config.status === "cancelled") return "This organization is cancelled; its API access has ended.";
  if (!PLANS[config.plan].apiAccess) {
    return `The ${config.plan} plan has no API access; upgrade to starter or above to use the API.`;
  }
  return null;
}
