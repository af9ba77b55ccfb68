import { describe, expect, it } from "vitest";
import { addMonthsClamped, billingCycle } from "../../src/lib/time";

describe("billing cycles", () => {
  it("adds months keeping the day, clamped to short months", () => {
    const jan31 = Date.parse("2026-01-31T10:00:00.000Z");
    expect(new Date(addMonthsClamped(jan31, 1)).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(new Date(addMonthsClamped(jan31, 2)).toISOString()).toBe("2026-03-31T10:00:00.000Z");
    expect(new Date(addMonthsClamped(jan31, 13)).toISOString()).toBe("2027-02-28T10:00:00.000Z");
  });

  it("finds the cycle containing now, from the anchor", () => {
    const anchor = Date.parse("2026-01-15T08:30:00.000Z");
    const cycle = billingCycle(anchor, Date.parse("2026-11-21T16:00:00.000Z"));
    expect(new Date(cycle.start).toISOString()).toBe("2026-11-15T08:30:00.000Z");
    expect(new Date(cycle.end).toISOString()).toBe("2026-12-15T08:30:00.000Z");
    const before = billingCycle(anchor, Date.parse("2026-11-15T08:29:59.999Z"));
    expect(new Date(before.start).toISOString()).toBe("2026-10-15T08:30:00.000Z");
    const first = billingCycle(anchor, anchor);
    expect(first.start).toBe(anchor);
  });
});
