export type UsageCounter = "storageBytes" | "transcriptionSeconds";

const SCHEMA = `CREATE TABLE IF NOT EXISTS usage_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS usage_operations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);`;

/** The organization's running totals (bytes stored, seconds transcribed), mirrored in memory for admissions. */
export class UsageCounters {
  private readonly values = new Map<string, number>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    for (const row of sql.exec<{ name: string; value: number }>("SELECT name, value FROM usage_counters")) {
      this.values.set(row.name, row.value);
    }
  }

  get(counter: UsageCounter): number {
    return this.values.get(counter) ?? 0;
  }

  /** Adds `delta` (may be negative; the total never goes below zero) and returns the new total. */
  add(counter: UsageCounter, delta: number): number {
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
    this.values.set(counter, value);
    return value;
  }

  /**
   * Adds `delta` once per `operationId`: a repeat of the operation (a retried job) adds nothing and returns
   * the current total. Check and add run without an await between them, so concurrent repeats cannot both add.
   */
  addOnce(counter: UsageCounter, delta: number, operationId: string, now: number): number {
    const applied = this.sql
      .exec(
        "INSERT INTO usage_operations (id, applied_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING RETURNING id",
        operationId,
        now,
      )
      .toArray();
    return applied.length > 0 ? this.add(counter, delta) : this.get(counter);
  }
}
