import { DurableObject } from "cloudflare:workers";
import { createDb } from "../../db/client";
import { getGateOrganization, setKeysLastUsed } from "../../db/queries/org-gate";
import type { HashedSubjectSpec } from "../../services/erasure/hashed-subject";
import { type AdmissionParts, type AdmitResult, admit, aiQuota, type OrgSnapshot, snapshot } from "./admission";
import { AiLedger, type AiReservation, type AiUsage } from "./ai-ledger";
import { DailyUsage, type DailyUsagePoint } from "./daily-usage";
import { IdempotencyStore, type StoredResponse } from "./idempotency-store";
import { KeyRegistry } from "./key-registry";
import { type GateConfig, OrgConfig } from "./org-config";
import { PointBudget } from "./point-budget";
import type { BudgetState } from "./rolling-budget";
import { type UsageCounter, UsageCounters } from "./usage-counters";

export type { AdmitResult, OrgSnapshot } from "./admission";
export type { AiReservation, AiUsage } from "./ai-ledger";
export type { DailyUsagePoint } from "./daily-usage";
export type { StoredResponse } from "./idempotency-store";
export type { GateConfig } from "./org-config";
export type { BudgetState } from "./rolling-budget";
export type { UsageCounter } from "./usage-counters";

/**
 * One per organization (`idFromName(orgId)`): the serial point of truth for the point budget, the monthly AI
 * quota, usage counters, the live set of API keys (so revocation is seen by every isolate on the very next
 * request) and the organization's Idempotency-Key records. A thin RPC surface over the modules beside it.
 */
export class OrgGate extends DurableObject<Env> {
  /**
   * The gate's clock. An own property, not a prototype method, so RPC cannot reach it (stubs only expose the
   * prototype); tests replace it through `runInDurableObject` to move time instead of rewriting stored rows.
   */
  now: () => number = Date.now;
  private readonly keys: KeyRegistry;
  private readonly config: OrgConfig;
  private readonly budget: PointBudget;
  private readonly ai: AiLedger;
  private readonly usage: UsageCounters;
  private readonly daily: DailyUsage;
  private readonly idempotency: IdempotencyStore;
  private readonly admission: AdmissionParts;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.keys = new KeyRegistry(ctx.storage, (orgId, lastUsed) => setKeysLastUsed(createDb(env.DB), orgId, lastUsed));
    this.config = new OrgConfig((orgId) => getGateOrganization(createDb(env.DB), orgId), this.keys);
    this.budget = new PointBudget(sql);
    this.ai = new AiLedger(sql);
    this.usage = new UsageCounters(sql);
    this.daily = new DailyUsage(sql);
    this.idempotency = new IdempotencyStore(sql);
    this.admission = {
      config: this.config,
      keys: this.keys,
      budget: this.budget,
      ai: this.ai,
      usage: this.usage,
      daily: this.daily,
    };
  }

  /** Checks the key and the organization, then spends `cost` points if they fit. */
  admit(orgId: string, keyId: string, cost: number): Promise<AdmitResult> {
    return admit(this.admission, orgId, keyId, cost, this.now);
  }

  /** Adds to the organization's usage counters (bytes stored, seconds transcribed); deltas may be negative. */
  addUsage(counter: UsageCounter, delta: number): number {
    return this.usage.add(counter, delta);
  }

  /** Adds to a usage counter once per `operationId` (e.g. a transcription's seconds, whatever its job's retries). */
  addUsageOnce(counter: UsageCounter, delta: number, operationId: string): number {
    return this.usage.addOnce(counter, delta, operationId, this.now());
  }

  /** The organization's status as the gate knows it (no storage read once loaded); null for an unknown org. */
  async organizationStatus(orgId: string): Promise<GateConfig["status"] | null> {
    return (await this.config.load(orgId))?.status ?? null;
  }

  /** Replaces the cached organization settings after an operator change in D1. */
  refresh(orgId: string): Promise<GateConfig | null> {
    return this.config.refresh(orgId);
  }

  keyCreated(orgId: string, keyId: string): void {
    if (this.config.current?.orgId === orgId) this.keys.created(keyId);
  }

  async keyRevoked(orgId: string, keyId: string): Promise<void> {
    await this.config.load(orgId);
    this.keys.revoke(keyId);
  }

  /** Last-use times not yet flushed to D1, so key listings are fresh without a write per request. */
  pendingKeyUsage(): Record<string, number> {
    return this.keys.pendingUsage();
  }

  async aiUsage(orgId: string): Promise<AiUsage | null> {
    const config = await this.config.load(orgId);
    return config && this.ai.usage(aiQuota(config), this.now());
  }

  /**
   * Takes one generation from this month's quota, to be committed or refunded later; left open longer than
   * `holdMs` (its request or job crashed), the gate gives it back.
   */
  async reserveAiGeneration(
    orgId: string,
    reservationId: string,
    options: { holdMs?: number } = {},
  ): Promise<AiReservation> {
    const config = await this.config.load(orgId);
    if (!config) throw new Error(`organization ${orgId} not found`);
    return this.ai.reserve(aiQuota(config), reservationId, this.now(), options.holdMs);
  }

  /** Marks the generation made; one the gate had already given back (expired) is counted again. */
  commitAiGeneration(reservationId: string): void {
    if (this.ai.commit(reservationId)) this.daily.countAiGeneration(this.now());
  }

  /**
   * The organization, its point budget and its requests and AI generations per day for the last `days` days, as
   * the dashboard shows them: nothing is spent (dashboard pages cost no points). Null for an unknown organization.
   */
  async dashboardView(
    orgId: string,
    days: number,
  ): Promise<{ org: OrgSnapshot; points: BudgetState; daily: DailyUsagePoint[] } | null> {
    const config = await this.config.load(orgId);
    if (!config) return null;
    const at = this.now();
    return {
      org: snapshot(this.admission, config, at),
      points: this.budget.state(config.limits.pointsPerMinute ?? 0, at),
      daily: days > 0 ? this.daily.series(Math.min(days, 366), at) : [],
    };
  }

  /** Gives a failed generation back to the month it was taken from. Idempotent. */
  refundAiGeneration(reservationId: string): void {
    this.ai.refund(reservationId);
  }

  idempotencyBegin(key: string, fingerprint: string) {
    return this.idempotency.begin(key, fingerprint, this.now());
  }

  idempotencyComplete(key: string, fingerprint: string, response: StoredResponse): void {
    this.idempotency.complete(key, fingerprint, response, this.now());
  }

  /** An erasure finished: replays of requests that started before it are redacted (see IdempotencyStore). */
  eraseFromReplays(erasureId: string, subject: HashedSubjectSpec): void {
    this.idempotency.eraseFromReplays(erasureId, subject, this.now());
  }

  /** Replaces a stored replay's sealed body with its redacted form (after an erasure). */
  idempotencyRewrite(key: string, fingerprint: string, body: string): void {
    this.idempotency.rewrite(key, fingerprint, body);
  }

  idempotencyRelease(key: string, fingerprint: string): void {
    this.idempotency.release(key, fingerprint);
  }

  /** Purge of a cancelled organization (SPEC §9): everything this object stores, its alarm included. */
  async purgeStorage(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override alarm(): Promise<void> {
    this.daily.flush(this.now());
    return this.keys.onAlarm(this.config.current?.orgId, this.now());
  }
}
