import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { base64UrlDecode, base64UrlEncode } from "./encoding";
import { ApiError } from "./errors";

/** A keyset position: the sort value of the last row returned and its id as a tie-breaker. */
export interface Cursor {
  v: number | string;
  id: string;
  /** The list's sort order, for lists that take `sortBy`: a cursor only continues the order it came from. */
  s?: string;
}

export function encodeCursor(cursor: Cursor): string {
  return base64UrlEncode(JSON.stringify(cursor));
}

export function decodeCursor(encoded: string | undefined, sort?: string): Cursor | null {
  if (encoded === undefined || encoded === "") return null;
  const text = base64UrlDecode(encoded);
  try {
    const parsed: unknown = text === null ? null : JSON.parse(text);
    if (
      parsed &&
      typeof parsed === "object" &&
      "v" in parsed &&
      "id" in parsed &&
      (typeof parsed.v === "number" || typeof parsed.v === "string") &&
      typeof parsed.id === "string" &&
      (sort === undefined || ("s" in parsed && parsed.s === sort))
    ) {
      return { v: parsed.v, id: parsed.id, ...(sort === undefined ? {} : { s: sort }) };
    }
  } catch {
    // fall through to the validation error below
  }
  throw new ApiError(
    "validation_error",
    "The cursor is not valid; pass back a cursor from a previous page of the same list and sortBy.",
    {
      errors: [{ location: "query.cursor", message: "Invalid cursor" }],
    },
  );
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
  const at = Number(cursor.v);
  return or(lt(createdAt, at), and(eq(createdAt, at), lt(id, cursor.id)));
}
