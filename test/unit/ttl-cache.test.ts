import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/lib/ttl-cache";

describe("TtlCache", () => {
  it("forgets entries once their time is up", () => {
    const cache = new TtlCache<string>(10, 1_000);
    cache.set("a", "A", 0);
    expect(cache.get("a", 999)).toBe("A");
    expect(cache.get("a", 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("stays within its bound by dropping the oldest entry", () => {
    const cache = new TtlCache<number>(3, 60_000);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, 0);
    expect(cache.size).toBe(3);
    expect(cache.get("k0", 1)).toBeUndefined();
    expect(cache.get("k1", 1)).toBeUndefined();
    expect([cache.get("k2", 1), cache.get("k3", 1), cache.get("k4", 1)]).toEqual([2, 3, 4]);
  });

  it("treats a rewritten entry as new, for both its age and its place in line", () => {
    const cache = new TtlCache<number>(2, 1_000);
    cache.set("a", 1, 0);
    cache.set("b", 2, 0);
    cache.set("a", 3, 500);
    cache.set("c", 4, 500); // evicts "b", now the oldest
    expect(cache.get("b", 600)).toBeUndefined();
    expect(cache.get("a", 1_400)).toBe(3);
  });
});
