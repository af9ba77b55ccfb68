import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { base64UrlDecode, base64UrlEncode } from "./encoding";
import { ApiError } from "./errors";

/** A keyset position: the sort value of the last row returned and its id as a tie-breaker. */
export interface Cursor {
  /** Every list sorts by an integer column (a time in ms, a size in bytes). */
  v: number;
  id: string;
  /** The list's sort order, for lists that take `sortBy`: a cursor only continues the order it came from. */
  s?: string;
}

export function encodeCursor(cursor: Cursor): string {
  return base64UrlEncode(JSON.stringify(cursor));
}

const invalidCursor = () =>
  new ApiError(
    "validation_error",
    "The cursor is not valid; pass back a cursor from a previous page of the same list and sortBy.",
    { errors: [{ location: "query.cursor", message: "Invalid cursor" }] },
  );

/**
 * Decodes a client's cursor strictly: anything but a position this list could have handed out is
 * a 400, never a silently empty or shifted page.
 */
export function decodeCursor(encoded: string | undefined, sort?: string): Cursor | null {
  if (encoded === undefined || encoded === "") return null;
  const text = base64UrlDecode(encoded);
  let parsed: unknown;
  try {
    parsed = text === null ? null : JSON.parse(text);
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const { v, id, s } = parsed as Record<string, unknown>;
  if (!Number.isSafeInteger(v) || typeof id !== "string" || id === "") throw invalidCursor();
  if (sort !== undefined && s !== sort) throw invalidCursor();
  return { v: v as number, id, ...(sort === undefined ? {} : { s: sort }) };
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only signals that another page exists.
 */
export function toPage<Row, Out>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => Cursor,
  map: (row: Row) => Out,
): { results: Out[]; cursor: string | null } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    results: pageRows.map(map),
    cursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

/** Rows after `cursor` in newest-first order: older `createdAt`, or the same one with a smaller id. */
export function olderThan(cursor: Cursor, createdAt: SQLiteColumn, id: SQLiteColumn): SQL | undefined {
  return or(lt(createdAt, cursor.v), and(eq(createdAt, cursor.v), lt(id, cursor.id)));
}
