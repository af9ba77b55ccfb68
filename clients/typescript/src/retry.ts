import { retryAfterSeconds } from "./errors.js";

/** When to send a request again: on 429 and 503, after `Retry-After`, a bounded number of times. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 turns retries off). */
  maxAttempts: number;
  /** The longest single wait, in ms (default 60,000). A `Retry-After` beyond it is not waited for: the error is returned. */
  maxWaitMs: number;
  /** The wait when the answer has no `Retry-After`: `baseDelayMs × 2^(attempt−1)` (default 500), capped by `maxWaitMs`. */
  baseDelayMs: number;
  /** Statuses worth another attempt (default 429 and 503). */
  statuses: readonly number[];
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 3,
  maxWaitMs: 60_000,
  baseDelayMs: 500,
  statuses: [429, 503],
};

type Fetch = (request: Request) => Promise<Response>;

/**
 * A fetch that retries what `options` says. Safe for every method: a refused request (429) cost nothing, and
 * every POST carries an Idempotency-Key, which the retry repeats (the same Request is sent again).
 */
export function retryingFetch(fetchImpl: Fetch, options: RetryOptions): Fetch {
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= options.maxAttempts;
      // A body can be read once: each attempt but the last sends a copy.
      const response = await fetchImpl(last ? request : request.clone());
      if (last || !options.statuses.includes(response.status)) return response;
      const retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
      const waitMs = retryAfter === null ? options.baseDelayMs * 2 ** (attempt - 1) : retryAfter * 1000;
      if (waitMs > options.maxWaitMs) return response;
      await response.body?.cancel();
      await sleep(waitMs, request.signal);
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
