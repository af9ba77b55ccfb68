import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BudgetReservations } from "../src/durable-objects/org-gate/budget-reservations";
import { RollingBudget } from "../src/durable-objects/org-gate/rolling-budget";
import { env } from "./helpers";

const T0 = 1_800_000_000_000; // a whole second

/** Runs `fn` against the real SQLite storage of a throw-away gate instance, counting the reservation writes. */
function withStorage<R>(fn: (sql: SqlStorage, writes: () => number) => R): Promise<R> {
  const stub = env.ORG_GATE.get(env.ORG_GATE.newUniqueId());
  return runInDurableObject(stub, (_instance, state) => {
    let inserts = 0;
    const sql = {
      exec: (query: string, ...bindings: unknown[]) => {
        if (query.startsWith("INSERT")) inserts++;
        return state.storage.sql.exec(query, ...bindings);
      },
    } as SqlStorage;
    return fn(sql, () => inserts);
  });
}

describe("budget reservations", () => {
  it("writes once per tenth of the budget, not once per request", async () => {
    const writes = await withStorage((sql, writes) => {
      const budget = new RollingBudget();
      const reservations = new BudgetReservations(sql);
      for (let i = 0; i < 100; i++) {
        const now = T0 + i * 50; // five seconds of steady traffic
        const decision = budget.tryConsume(1, 100, now);
        if (decision.admitted) reservations.spend(1, 100, decision.remaining + 1, now);
      }
      return writes();
    });
    expect(writes).toBe(10);
  });

  it("never lets any 60-second window exceed the budget across repeated crashes", async () => {
    const admitted = await withStorage((sql) => {
      const limit = 50;
      let budget = new RollingBudget();
      let reservations = new BudgetReservations(sql);
      const log: { at: number; cost: number }[] = [];
      let now = T0;
      for (let i = 0; i < 3_000; i++) {
        now += Math.floor(Math.random() * 300);
        if (Math.random() < 0.02) {
          // A crash: everything in memory is gone; the next instance starts from storage alone.
          reservations = new BudgetReservations(sql);
          budget = new RollingBudget(reservations.load());
        }
        const cost = 1 + Math.floor(Math.random() * 3);
        const decision = budget.tryConsume(cost, limit, now);
        if (!decision.admitted) continue;
        reservations.spend(cost, limit, decision.remaining + cost, now);
        log.push({ at: Math.floor(now / 1000), cost });
      }
      return log;
    });
    expect(admitted.length).toBeGreaterThan(100);
    for (const { at } of admitted) {
      const spent = admitted.filter((a) => a.at > at - 60 && a.at <= at).reduce((sum, a) => sum + a.cost, 0);
      expect(spent).toBeLessThanOrEqual(50);
    }
  });
});
