const DAY_MS = 24 * 60 * 60 * 1000;
/** Days kept: a year and a bit, more than any chart shows. */
const KEEP_DAYS = 400;

const SCHEMA = `CREATE TABLE IF NOT EXISTS daily_usage (
  day INTEGER PRIMARY KEY, requests INTEGER NOT NULL DEFAULT 0, ai_generations INTEGER NOT NULL DEFAULT 0
)`;

export interface DailyUsagePoint {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  requests: number;
  aiGenerations: number;
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/**
 * Requests and AI generations per UTC day, for the dashboard's chart. Requests are counted in memory and written
 * by the object's alarm with the keys' last-use times (every admitted request notes a key use, which arms it), so
 * admitting a request adds no storage write; a restart may lose the last few seconds of counts. AI generations are
 * rare and already written when committed, so they are counted in storage at once.
 */
export class DailyUsage {
  private readonly pendingRequests = new Map<number, number>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  countRequest(now: number): void {
    const day = dayOf(now);
    this.pendingRequests.set(day, (this.pendingRequests.get(day) ?? 0) + 1);
  }

  countAiGeneration(now: number): void {
    this.sql.exec(
      `INSERT INTO daily_usage (day, ai_generations) VALUES (?, 1)
       ON CONFLICT(day) DO UPDATE SET ai_generations = ai_generations + 1`,
      dayOf(now),
    );
  }

  /** Writes the counted requests (and drops days past keeping). */
  flush(now: number): void {
    for (const [day, count] of this.pendingRequests) {
      this.sql.exec(
        `INSERT INTO daily_usage (day, requests) VALUES (?, ?)
         ON CONFLICT(day) DO UPDATE SET requests = requests + excluded.requests`,
        day,
        count,
      );
    }
    this.pendingRequests.clear();
    this.sql.exec("DELETE FROM daily_usage WHERE day < ?", dayOf(now) - KEEP_DAYS);
  }

  /** The last `days` days up to today, oldest first, every day present (zeros where nothing happened). */
  series(days: number, now: number): DailyUsagePoint[] {
    const today = dayOf(now);
    const first = today - days + 1;
    const stored = new Map<number, { requests: number; ai: number }>();
    for (const row of this.sql.exec<{ day: number; requests: number; ai_generations: number }>(
      "SELECT day, requests, ai_generations FROM daily_usage WHERE day >= ?",
      first,
    )) {
      stored.set(row.day, { requests: row.requests, ai: row.ai_generations });
    }
    const points: DailyUsagePoint[] = [];
    for (let day = first; day <= today; day++) {
      const row = stored.get(day);
      points.push({
        date: new Date(day * DAY_MS).toISOString().slice(0, 10),
        requests: (row?.requests ?? 0) + (this.pendingRequests.get(day) ?? 0),
        aiGenerations: row?.ai ?? 0,
      });
    }
    return points;
  }
}
