import { describe, expect, it } from "vitest";
import { RollingBudget } from "../../src/durable-objects/org-gate/rolling-budget";

const T0 = 1_800_000_000_000; // a whole second

describe("RollingBudget", () => {
  it("admits up to the limit inside one window and refuses the rest without spending", () => {
    const budget = new RollingBudget();
    for (let i = 0; i < 10; i++) expect(budget.tryConsume(1, 10, T0 + i * 100).admitted).toBe(true);
    const refused = budget.tryConsume(1, 10, T0 + 1_500);
    expect(refused).toMatchObject({ admitted: false, remaining: 0 });
    expect(budget.state(10, T0 + 1_500).remaining).toBe(0);
  });

  it("frees points exactly 60 s after the second they were spent in", () => {
    const budget = new RollingBudget();
    budget.tryConsume(6, 10, T0); // second 0
    budget.tryConsume(4, 10, T0 + 20_000); // second 20
    const refused = budget.tryConsume(3, 10, T0 + 30_000);
    expect(refused.admitted).toBe(false);
    if (!refused.admitted) expect(refused.retryAfterMs).toBe(30_000); // second 0 leaves at T0+60s
    expect(budget.tryConsume(3, 10, T0 + 59_999).admitted).toBe(false);
    expect(budget.tryConsume(3, 10, T0 + 60_000)).toMatchObject({ admitted: true, remaining: 3 });
  });

  it("never lets any 60-second window exceed the limit under a random workload", () => {
    const budget = new RollingBudget();
    const admitted: { at: number; cost: number }[] = [];
    let now = T0;
    for (let i = 0; i < 5_000; i++) {
      now += Math.floor(Math.random() * 200);
      const cost = 1 + Math.floor(Math.random() * 3);
      if (budget.tryConsume(cost, 50, now).admitted) admitted.push({ at: now, cost });
    }
    for (const { at } of admitted) {
      const windowStart = Math.floor(at / 1000) - 59;
      const spent = admitted
        .filter((a) => Math.floor(a.at / 1000) >= windowStart && Math.floor(a.at / 1000) <= Math.floor(at / 1000))
        .reduce((s, a) => s + a.cost, 0);
      expect(spent).toBeLessThanOrEqual(50);
    }
  });

  it("reports a full reset time and the whole window for a cost above the limit", () => {
    const budget = new RollingBudget();
    budget.tryConsume(2, 5, T0 + 5_000);
    expect(budget.state(5, T0 + 10_000).resetAtMs).toBe(T0 + 65_000);
    const tooBig = budget.tryConsume(9, 5, T0 + 10_000);
    expect(tooBig.admitted).toBe(false);
    if (!tooBig.admitted) expect(tooBig.retryAfterMs).toBe(60_000);
  });
});
