import { WINDOW_SECONDS } from "./rolling-budget";

/** A durable reservation covers this share of the budget, so a busy organization writes about ten times a minute. */
const SLICES_PER_BUDGET = 10;
/**
 * A reservation is dated this many seconds ahead and covers every spend until then. Dating it later than the
 * spends it covers only keeps those points counted a little longer after a restart (an over-count, never an
 * under-count), and it spares an organization with a trickle of requests a storage write per second.
 */
const RESERVATION_AHEAD_SECONDS = 10;

export const BUDGET_SCHEMA = "CREATE TABLE IF NOT EXISTS budget (second INTEGER PRIMARY KEY, used INTEGER NOT NULL);";

/**
 * Keeps the point budget crash-safe without a storage write per request. Points are handed out of slices
 * that were written to storage before the first of them was spent; a restarted gate loads the slices as
 * spent, unused remainders included. So a crash can make the gate refuse a little early, never admit more
 * than the budget. The write happens in the admitting call, so the output gate holds that response until
 * the slice is durable.
 */
export class BudgetReservations {
  /** Second the current slice is dated at; spends up to and including it may draw from the slice. */
  private coveredUntilSecond = Number.NEGATIVE_INFINITY;
  private unspent = 0;

  constructor(private readonly sql: SqlStorage) {}

  /** Points spent so far per second (reservations count as spent), to seed the in-memory budget. */
  load(): [second: number, used: number][] {
    return this.sql
      .exec<{ second: number; used: number }>("SELECT second, used FROM budget")
      .toArray()
      .map((r) => [r.second, r.used]);
  }

  /**
   * Accounts for `cost` points just admitted at `nowMs`, reserving a new slice in storage when the current
   * one cannot cover them. `remainingBefore` (what the budget had left before this spend) caps the slice.
   */
  spend(cost: number, limit: number, remainingBefore: number, nowMs: number): void {
    const nowSecond = Math.floor(nowMs / 1000);
    const covered = nowSecond <= this.coveredUntilSecond;
    if (covered && this.unspent >= cost) {
      this.unspent -= cost;
      return;
    }
    // A slice dated in the past cannot cover a spend now; its remainder just stays counted until it expires.
    const carried = covered ? this.unspent : 0;
    const needed = cost - carried;
    const slice = Math.max(needed, Math.min(Math.ceil(limit / SLICES_PER_BUDGET), remainingBefore - carried));
    const second = covered ? this.coveredUntilSecond : nowSecond + RESERVATION_AHEAD_SECONDS;
    this.sql.exec(
      "INSERT INTO budget (second, used) VALUES (?, ?) ON CONFLICT(second) DO UPDATE SET used = used + excluded.used",
      second,
      slice,
    );
    this.sql.exec("DELETE FROM budget WHERE second <= ?", nowSecond - WINDOW_SECONDS);
    this.coveredUntilSecond = second;
    this.unspent = carried + slice - cost;
  }
}
