import { is, SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

const dialect = new SQLiteSyncDialect();

export type Compilable = SQL | { toSQL(): { sql: string; params: unknown[] } };

/**
 * Runs drizzle queries and raw `sql` statements as one D1 batch (one transaction). drizzle's own
 * `db.batch()` cannot carry raw statements with parameters, and set-based SQL (INSERT … SELECT,
 * RETURNING) is how bulk work stays under D1's 100-parameter and 1,000-query limits.
 */
export async function sqlBatch<Row = Record<string, unknown>>(
  db: Database,
  queries: Compilable[],
): Promise<D1Result<Row>[]> {
  const statements = queries.map((query) => {
    const { sql, params } = is(query, SQL) ? dialect.sqlToQuery(query) : query.toSQL();
    return db.$client.prepare(sql).bind(...params);
  });
  return db.$client.batch<Row>(statements);
}
