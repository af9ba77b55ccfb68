/** ISO 8601 in UTC with milliseconds, the only time format Parley emits. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms == null ? null : iso(ms);
}

/**
 * Adds calendar months to an instant, keeping its time of day and clamping the day to the
 * target month's length (Jan 31 + 1 month = Feb 28/29), the way billing cycles are counted.
 */
export function addMonthsClamped(anchorMs: number, months: number): number {
  const anchor = new Date(anchorMs);
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const daysInTarget = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(anchor.getUTCDate(), daysInTarget);
  return Date.UTC(
    targetYear,
    targetMonth,
    day,
    anchor.getUTCHours(),
    anchor.getUTCMinutes(),
    anchor.getUTCSeconds(),
    anchor.getUTCMilliseconds(),
  );
}

/** The billing cycle [start, end) that contains `nowMs`, counted in whole months from `anchorMs`. */
export function billingCycle(anchorMs: number, nowMs: number): { start: number; end: number } {
  const a = new Date(anchorMs);
  const n = new Date(nowMs);
  let k = (n.getUTCFullYear() - a.getUTCFullYear()) * 12 + (n.getUTCMonth() - a.getUTCMonth());
  if (k < 0) k = 0;
  while (k > 0 && addMonthsClamped(anchorMs, k) > nowMs) k--;
  while (addMonthsClamped(anchorMs, k + 1) <= nowMs) k++;
  return { start: addMonthsClamped(anchorMs, k), end: addMonthsClamped(anchorMs, k + 1) };
}
