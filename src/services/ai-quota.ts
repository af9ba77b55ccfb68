import { AiProviderError } from "../ai/provider";
import type { AiReservation } from "../durable-objects/org-gate";
import { ApiError } from "../lib/errors";
import { iso } from "../lib/time";

/** How long a synchronous generation's reservation stays open: far beyond any request's lifetime. */
export const SYNC_GENERATION_HOLD_MS = 15 * 60 * 1000;
/**
 * How long a queued job's reservation stays open: six attempts of at most 15 minutes each, the backoff between
 * them (about 16 minutes in all) and room for a backlogged queue.
 */
export const QUEUED_GENERATION_HOLD_MS = 3 * 60 * 60 * 1000;

/** The organization's gate, as far as the AI quota goes. */
export interface AiQuotaGate {
  reserveAiGeneration(orgId: string, reservationId: string, options: { holdMs?: number }): Promise<AiReservation>;
  commitAiGeneration(reservationId: string): Promise<void>;
  refundAiGeneration(reservationId: string): Promise<void>;
}

/** Takes one AI generation from the organization's month, or throws 429 `ai_limit_exceeded` (SPEC §3). */
export async function reserveGeneration(
  gate: AiQuotaGate,
  orgId: string,
  reservationId: string,
  holdMs: number,
): Promise<void> {
  const reservation = await gate.reserveAiGeneration(orgId, reservationId, { holdMs });
  if (reservation.ok) return;
  const { usage, retryAfterMs } = reservation;
  const resetAt = iso(usage.resetAtMs);
  throw new ApiError(
    "ai_limit_exceeded",
    `This organization has used all ${usage.limit ?? 0} AI generations of its month; the quota resets at ${resetAt}. Cached results are still free.`,
    {
      extensions: { resetAt },
      headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    },
  );
}

/**
 * One synchronous generation on the quota: reserved first (429 when the month is used up), committed once the
 * provider answered; refunded when anything fails, and a provider failure answers 503 `ai_unavailable`.
 */
export async function generateOnQuota<T>(gate: AiQuotaGate, orgId: string, generate: () => Promise<T>): Promise<T> {
  const reservationId = `gen_${crypto.randomUUID()}`;
  await reserveGeneration(gate, orgId, reservationId, SYNC_GENERATION_HOLD_MS);
  let result: T;
  try {
    result = await generate();
  } catch (error) {
    await gate.refundAiGeneration(reservationId);
    if (error instanceof AiProviderError) throw new ApiError("ai_unavailable", error.message);
    throw error;
  }
  // Committed before the result is stored: a crash in between costs a generation rather than giving one away.
  await gate.commitAiGeneration(reservationId);
  return result;
}
