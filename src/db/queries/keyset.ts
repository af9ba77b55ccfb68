import { type AnyColumn, and, asc, desc, eq, gt, lt, or, type SQL, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";

/**
 * The condition and order of a keyset page on `(value, tie)`: rows strictly after the cursor's pair in
 * `direction`, ordered by the pair, so paging stays stable under concurrent inserts (SPEC §1).
 */
export function keyset(
  sortBy: SQL | AnyColumn,
  tieBreak: SQL | AnyColumn,
  direction: "asc" | "desc",
  after: Cursor | null,
) {
  const value = sql`${sortBy}`;
  const tie = sql`${tieBreak}`;
  const past = direction === "desc" ? lt : gt;
  const order = direction === "desc" ? desc : asc;
  return {
    where: after ? or(past(value, after.v), and(eq(value, after.v), past(tie, after.id))) : undefined,
    orderBy: [order(value), order(tie)] as const,
  };
}
