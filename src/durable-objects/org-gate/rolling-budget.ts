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

  constructor(initial: Iterable<[second: number, used: number]> = []) {
    for (const [second, used] of initial) this.buckets.set(second, used);
  }

  /** Spends `cost` if it fits, returning the state after the decision. Refusals spend nothing. */
  tryConsume(cost: number, limit: number, nowMs: number): BudgetDecision {
    const nowSecond = this.prune(nowMs);
    const used = this.used();
    if (used + cost > limit) {
      return { admitted: false, retryAfterMs: this.msUntilFits(cost, limit, nowMs), ...this.state(limit, nowMs) };
    }
    this.buckets.set(nowSecond, (this.buckets.get(nowSecond) ?? 0) + cost);
    return { admitted: true, ...this.state(limit, nowMs) };
  }

  state(limit: number, nowMs: number): BudgetState {
    this.prune(nowMs);
    const used = this.used();
    const newest = Math.max(-Infinity, ...this.buckets.keys());
    return {
      limit,
      remaining: Math.max(0, limit - used),
      resetAtMs: used === 0 ? nowMs : (newest + WINDOW_SECONDS) * 1000,
    };
  }

  private used(): number {
    let sum = 0;
    for (const value of this.buckets.values()) sum += value;
    return sum;
  }

  private prune(nowMs: number): number {
    const nowSecond = Math.floor(nowMs / 1000);
    for (const second of this.buckets.keys()) {
      if (second + WINDOW_SECONDS <= nowSecond) this.buckets.delete(second);
    }
    return nowSecond;
  }

  private msUntilFits(cost: number, limit: number, nowMs: number): number {
    if (cost > limit) return WINDOW_SECONDS * 1000;
    let used = this.used();
    for (const second of [...this.buckets.keys()].sort((a, b) => a - b)) {
      used -= this.buckets.get(second) ?? 0;
      if (used + cost <= limit) return Math.max(0, (second + WINDOW_SECONDS) * 1000 - nowMs);
    }
    return 0;
  }
}
