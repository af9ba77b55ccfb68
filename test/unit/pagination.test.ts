import { describe, expect, it } from "vitest";
import { base64UrlEncode } from "../../src/lib/encoding";
import { ApiError } from "../../src/lib/errors";
import { decodeCursor, encodeCursor } from "../../src/lib/pagination";

const encoded = (value: unknown) => base64UrlEncode(JSON.stringify(value));

function refusal(cursor: string, sort?: string): ApiError {
  try {
    decodeCursor(cursor, sort);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`cursor ${cursor} was accepted`);
}

describe("decodeCursor", () => {
  it("round-trips the cursors lists hand out", () => {
    expect(decodeCursor(encodeCursor({ v: 1_796_113_398_158, id: "key_a" }))).toEqual({
      v: 1_796_113_398_158,
      id: "key_a",
    });
    expect(decodeCursor(encodeCursor({ v: 0, id: "rec_a", s: "startDate:asc" }), "startDate:asc")).toEqual({
      v: 0,
      id: "rec_a",
      s: "startDate:asc",
    });
    expect(decodeCursor(undefined)).toBeNull();
  });

  it("refuses positions that are not integers, with a query.cursor error", () => {
    for (const v of ['"abc"', '"123"', '""', "1.5", "null", "true", "[1]", '{"n":1}', "1e400", "-1e400", "1e18"]) {
      const error = refusal(base64UrlEncode(`{"v":${v},"id":"key_a"}`));
      expect(error.code, v).toBe("validation_error");
      expect(error.options.errors?.[0]?.location).toBe("query.cursor");
    }
  });

  it("refuses malformed ids and shapes", () => {
    for (const value of [{ v: 1 }, { v: 1, id: 7 }, { v: 1, id: "" }, [1, "key_a"], "key_a", 12]) {
      expect(refusal(encoded(value)).code, JSON.stringify(value)).toBe("validation_error");
    }
    expect(refusal("not-a-cursor!").code).toBe("validation_error");
    expect(refusal(encoded({ v: 1, id: "rec_a", s: "createdAt:desc" }), "startDate:asc").code).toBe("validation_error");
  });
});
