import { billingCycle } from "../../lib/time";

export interface AiUsage {
  used: number;
  limit: number | null;
  remaining: number | null;
  resetAtMs: number;
}

export type AiReservation =
  | { ok: true; reservationId: string; usage: AiUsage }
  | { ok: false; usage: AiUsage; retryAfterMs: number };

/** The quota as the ledger needs it: the month is anchored at the organization's creation. */
export interface AiQuota {
  createdAt: number;
  limit: number | null;
}

/** How long a reservation may stay open when the caller does not say (the longest a queued job can live). */
export const DEFAULT_AI_HOLD_MS = 3 * 60 * 60 * 1000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ai_usage (cycle_start INTEGER PRIMARY KEY, used INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS ai_reservations (
    id TEXT PRIMARY KEY, cycle_start INTEGER NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL,
    expires_at INTEGER
  );
`;

/**
 * The monthly AI-generation quota: a generation is taken (reserved) before the work starts and then
 * committed, or refunded to the month it was taken from. `ai_usage` counts every reservation that is not
 * refunded or expired. A reservation still open after its hold (its request or job crashed) expires: the gate
 * gives it back the next time usage is read, so a crash cannot cost the organization a generation for the rest
 * of the month. A commit that arrives after that (a job slower than its hold) counts the generation again, so
 * lateness never makes a generation free; it may take the month past its limit by the generations that were
 * that late, which the hold (longer than any request or job can run) makes a rare exception.
 */
export class AiLedger {
  /** Mirror of `ai_usage`, so admitting a request reads no storage. */
  private readonly used = new Map<number, number>();
  private lastCycle: { anchor: number; start: number; end: number } | null = null;
  /** When the earliest open reservation expires (null: none open), so the hot path checks one number. */
  private nextExpiry: number | null = null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    this.addExpiryColumn();
    sql.exec("CREATE INDEX IF NOT EXISTS ai_reservations_open ON ai_reservations (state, expires_at)");
    for (const row of sql.exec<{ cycle_start: number; used: number }>("SELECT cycle_start, used FROM ai_usage")) {
      this.used.set(row.cycle_start, row.used);
    }
    this.nextExpiry = this.earliestExpiry();
  }

  /** Gates created before reservations expired have no `expires_at`: their open ones get the default hold. */
  private addExpiryColumn(): void {
    const columns = this.sql.exec<{ name: string }>("PRAGMA table_info(ai_reservations)").toArray();
    if (columns.some((column) => column.name === "expires_at")) return;
    this.sql.exec("ALTER TABLE ai_reservations ADD COLUMN expires_at INTEGER");
    this.sql.exec("UPDATE ai_reservations SET expires_at = created_at + ?", DEFAULT_AI_HOLD_MS);
  }

  private earliestExpiry(): number | null {
    return (
      this.sql
        .exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM ai_reservations WHERE state = 'reserved'")
        .one().at ?? null
    );
  }

  /** Gives back every reservation whose hold has passed; a no-op (one comparison) until the earliest one has. */
  private expire(now: number): void {
    if (this.nextExpiry === null || now < this.nextExpiry) return;
    const expired = this.sql
      .exec<{ cycle_start: number }>(
        "UPDATE ai_reservations SET state = 'expired' WHERE state = 'reserved' AND expires_at <= ? RETURNING cycle_start",
        now,
      )
      .toArray();
    const perCycle = new Map<number, number>();
    for (const row of expired) perCycle.set(row.cycle_start, (perCycle.get(row.cycle_start) ?? 0) + 1);
    for (const [cycleStart, count] of perCycle) this.addUsed(cycleStart, -count);
    this.nextExpiry = this.earliestExpiry();
  }

  private addUsed(cycleStart: number, delta: number): void {
    const row = this.sql
      .exec<{ used: number }>(
        `INSERT INTO ai_usage (cycle_start, used) VALUES (?, MAX(0, ?))
         ON CONFLICT(cycle_start) DO UPDATE SET used = MAX(0, used + ?) RETURNING used`,
        cycleStart,
        delta,
        delta,
      )
      .one();
    this.used.set(cycleStart, row.used);
  }

  usage(quota: AiQuota, now: number): AiUsage {
    this.expire(now);
    const cycle = this.cycle(quota.createdAt, now);
    const used = this.used.get(cycle.start) ?? 0;
    const { limit } = quota;
    return { used, limit, remaining: limit === null ? null : Math.max(0, limit - used), resetAtMs: cycle.end };
  }

  /**
   * Takes one generation from this month's quota, open for `holdMs` (then it expires); asking again with the
   * same id takes nothing more.
   */
  reserve(quota: AiQuota, reservationId: string, now: number, holdMs = DEFAULT_AI_HOLD_MS): AiReservation {
    const usage = this.usage(quota, now);
    const existing = this.sql.exec("SELECT state FROM ai_reservations WHERE id = ?", reservationId).toArray()[0];
    if (existing) return { ok: true, reservationId, usage };
    if (usage.remaining !== null && usage.remaining <= 0) {
      return { ok: false, usage, retryAfterMs: usage.resetAtMs - now };
    }
    const cycleStart = this.cycle(quota.createdAt, now).start;
    this.addUsed(cycleStart, 1);
    const expiresAt = now + holdMs;
    this.sql.exec(
      "INSERT INTO ai_reservations (id, cycle_start, state, created_at, expires_at) VALUES (?, ?, 'reserved', ?, ?)",
      reservationId,
      cycleStart,
      now,
      expiresAt,
    );
    this.nextExpiry = this.nextExpiry === null ? expiresAt : Math.min(this.nextExpiry, expiresAt);
    return { ok: true, reservationId, usage: this.usage(quota, now) };
  }

  /** The billing month `now` falls in, worked out again only when it has changed (every admission asks). */
  private cycle(anchor: number, now: number): { start: number; end: number } {
    const known = this.lastCycle;
    if (known && known.anchor === anchor && known.start <= now && now < known.end) return known;
    this.lastCycle = { anchor, ...billingCycle(anchor, now) };
    return this.lastCycle;
  }

  /** Marks the generation made (true the first time). Idempotent; one that had expired (and been given back) is counted again. */
  commit(reservationId: string): boolean {
    // Read and write run with no await between them: nothing else in the gate runs meanwhile.
    const row = this.sql
      .exec<{ cycle_start: number; state: string }>(
        "SELECT cycle_start, state FROM ai_reservations WHERE id = ?",
        reservationId,
      )
      .toArray()[0];
    if (row?.state !== "reserved" && row?.state !== "expired") return false;
    this.sql.exec("UPDATE ai_reservations SET state = 'committed' WHERE id = ?", reservationId);
    if (row.state === "expired") this.addUsed(row.cycle_start, 1);
    return true;
  }

  /**
   * Gives a failed generation back to the month it was taken from. Idempotent; a committed one stays spent,
   * and an expired one was already given back.
   */
  refund(reservationId: string): void {
    const row = this.sql
      .exec<{ cycle_start: number }>(
        "UPDATE ai_reservations SET state = 'refunded' WHERE id = ? AND state = 'reserved' RETURNING cycle_start",
        reservationId,
      )
      .toArray()[0];
    if (row) this.addUsed(row.cycle_start, -1);
  }
}
