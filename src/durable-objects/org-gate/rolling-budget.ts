/** Seconds in the rolling window the point budget is counted over (SPEC §3). */
export const WINDOW_SECONDS = 60;

export interface BudgetState {
  limit: number;
  remaining: number;
  /** Epoch ms at which every point spent so far has left the window. */
  resetAtMs: number;
}

export type BudgetDecision =
  | ({ admitted: true } & BudgetState)
  | ({ admitted: false; retryAfterMs: number } & BudgetState);

/**
 * A rolling-window point budget with one-second buckets. Points spent in second `s` count
 * until the window no longer covers `s`, i.e. until `(s + 60) * 1000` ms. Purely in memory and
 * synchronous, so the Durable Object can check and spend without an `await` in between.
 */
export class RollingBudget {
  private readonly buckets = new Map<number, number>();
  /** Running sums of the buckets, so a decision does not walk the window. */
  private total = 0;
  private oldest = Number.POSITIVE_INFINITY;
  private newest = Number.NEGATIVE_INFINITY;

  constructor(initial: Iterable<[second: number, used: number]> = []) {
    for (const [second, used] of initial) this.add(second, used);
  }

  /** Spends `cost` if it fits, returning the state after the decision. Refusals spend nothing. */
  tryConsume(cost: number, limit: number, nowMs: number): BudgetDecision {
    const nowSecond = this.prune(nowMs);
    if (this.total + cost > limit) {
      return { admitted: false, retryAfterMs: this.msUntilFits(cost, limit, nowMs), ...this.current(limit, nowMs) };
    }
    this.add(nowSecond, cost);
    return { admitted: true, ...this.current(limit, nowMs) };
  }

  state(limit: number, nowMs: number): BudgetState {
    this.prune(nowMs);
    return this.current(limit, nowMs);
  }

  private current(limit: number, nowMs: number): BudgetState {
    return {
      limit,
      remaining: Math.max(0, limit - this.total),
      resetAtMs: this.total === 0 ? nowMs : (this.newest + WINDOW_SECONDS) * 1000,
    };
  }

  private add(second: number, used: number): void {
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + used);
    this.total += used;
    if (second < this.oldest) this.oldest = second;
    if (second > this.newest) this.newest = second;
  }

  /** Drops the seconds the window has left behind; walks the buckets only when the oldest one has expired. */
  private prune(nowMs: number): number {
    const nowSecond = Math.floor(nowMs / 1000);
    if (this.oldest + WINDOW_SECONDS > nowSecond) return nowSecond;
    this.oldest = Number.POSITIVE_INFINITY;
    for (const [second, used] of this.buckets) {
      if (second + WINDOW_SECONDS <= nowSecond) {
        this.buckets.delete(second);
        this.total -= used;
      } else if (second < this.oldest) this.oldest = second;
    }
    if (this.buckets.size === 0) this.newest = Number.NEGATIVE_INFINITY;
    return nowSecond;
  }

  private msUntilFits(cost: number, limit: number, nowMs: number): number {
    if (cost > limit) return WINDOW_SECONDS * 1000;
    let used = this.total;
    for (const second of [...this.buckets.keys()].sort((a, b) => a - b)) {
      used -= this.buckets.get(second) ?? 0;
      if (used + cost <= limit) return Math.max(0, (second + WINDOW_SECONDS) * 1000 - nowMs);
    }
    return 0;
  }
}
