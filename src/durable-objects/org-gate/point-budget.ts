import { BUDGET_SCHEMA, BudgetReservations } from "./budget-reservations";
import { type BudgetDecision, type BudgetState, RollingBudget } from "./rolling-budget";

/**
 * The organization's point budget: decided in memory (no storage read per request), made crash-safe by
 * durable reservations written ahead of the spends they cover.
 */
export class PointBudget {
  private readonly reservations: BudgetReservations;
  private readonly budget: RollingBudget;

  constructor(sql: SqlStorage) {
    sql.exec(BUDGET_SCHEMA);
    this.reservations = new BudgetReservations(sql);
    this.budget = new RollingBudget(this.reservations.load());
  }

  /** Spends `cost` if it fits; refusals spend nothing. */
  trySpend(cost: number, limit: number, now: number): BudgetDecision {
    const decision = this.budget.tryConsume(cost, limit, now);
    if (decision.admitted) this.reservations.spend(cost, limit, decision.remaining + cost, now);
    return decision;
  }

  /** The budget as it stands, without spending anything. */
  state(limit: number, now: number): BudgetState {
    return this.budget.state(limit, now);
  }
}
