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

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ai_usage (cycle_start INTEGER PRIMARY KEY, used INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS ai_reservations (
    id TEXT PRIMARY KEY, cycle_start INTEGER NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL
  );
`;

/**
 * The monthly AI-generation quota: a generation is taken (reserved) before the work starts and then
 * committed, or refunded to the month it was taken from. `ai_usage` counts every reservation that was not
 * refunded, so one that is never committed nor refunded (its job crashed) stays counted as used: a crash can
 * cost the organization a generation, never give it an extra one.
 */
export class AiLedger {
  /** Mirror of `ai_usage`, so admitting a request reads no storage. */
  private readonly used = new Map<number, number>();
  private lastCycle: { anchor: number; start: number; end: number } | null = null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    for (const row of sql.exec<{ cycle_start: number; used: number }>("SELECT cycle_start, used FROM ai_usage")) {
      this.used.set(row.cycle_start, row.used);
    }
  }

  usage(quota: AiQuota, now: number): AiUsage {
    const cycle = this.cycle(quota.createdAt, now);
    const used = this.used.get(cycle.start) ?? 0;
    const { limit } = quota;
    return { used, limit, remaining: limit === null ? null : Math.max(0, limit - used), resetAtMs: cycle.end };
  }

  /** Takes one generation from this month's quota; asking again with the same id takes nothing more. */
  reserve(quota: AiQuota, reservationId: string, now: number): AiReservation {
    const usage = this.usage(quota, now);
    const existing = this.sql.exec("SELECT state FROM ai_reservations WHERE id = ?", reservationId).toArray()[0];
    if (existing) return { ok: true, reservationId, usage };
    if (usage.remaining !== null && usage.remaining <= 0) {
      return { ok: false, usage, retryAfterMs: usage.resetAtMs - now };
    }
    const cycleStart = this.cycle(quota.createdAt, now).start;
    this.used.set(
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
    return { ok: true, reservationId, usage: this.usage(quota, now) };
  }

  /** The billing month `now` falls in, worked out again only when it has changed (every admission asks). */
  private cycle(anchor: number, now: number): { start: number; end: number } {
    const known = this.lastCycle;
    if (known && known.anchor === anchor && known.start <= now && now < known.end) return known;
    this.lastCycle = { anchor, ...billingCycle(anchor, now) };
    return this.lastCycle;
  }

  commit(reservationId: string): void {
    this.sql.exec("UPDATE ai_reservations SET state = 'committed' WHERE id = ? AND state = 'reserved'", reservationId);
  }

  /** Gives a failed generation back to the month it was taken from. Idempotent; a committed one stays spent. */
  refund(reservationId: string): void {
    const row = this.sql
      .exec<{ cycle_start: number }>(
        "UPDATE ai_reservations SET state = 'refunded' WHERE id = ? AND state = 'reserved' RETURNING cycle_start",
        reservationId,
      )
      .toArray()[0];
    if (!row) return;
    const updated = this.sql
      .exec<{ used: number }>(
        "UPDATE ai_usage SET used = MAX(0, used - 1) WHERE cycle_start = ? RETURNING used",
        row.cycle_start,
      )
      .toArray()[0];
    this.used.set(row.cycle_start, updated?.used ?? 0);
  }
}
