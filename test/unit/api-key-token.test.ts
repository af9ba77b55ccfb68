import { describe, expect, it } from "vitest";
import { apiKeyPrefix, generateApiKey, isWellFormedApiKey } from "../../src/lib/api-key-token";
import { crc32 } from "../../src/lib/encoding";

describe("API key tokens", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
  });

  it("generates distinct, well-formed keys whose last 6 characters check the rest", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(/^prl_[0-9A-Za-z]{40}$/);
      expect(isWellFormedApiKey(key)).toBe(true);
      expect(apiKeyPrefix(key)).toHaveLength(8);
    }
  });

  it("detects any single-character change", () => {
    const key = generateApiKey();
    for (let i = 4; i < key.length; i++) {
      const swapped = key[i] === "a" ? "b" : "a";
      expect(isWellFormedApiKey(key.slice(0, i) + swapped + key.slice(i + 1))).toBe(false);
    }
    expect(isWellFormedApiKey(key.replace("prl_", "pk_"))).toBe(false);
  });
});
