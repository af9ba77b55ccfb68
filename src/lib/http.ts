/** `application/json` or `application/<x>+json`, with or without parameters, in any case. */
export function isJsonContentType(type: string | undefined): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\b/i.test(type ?? "");
}

/** For responses that carry a secret (a new API key, a webhook signing secret): no cache may keep them. */
export const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * Which responses an Idempotency-Key keeps and replays: 409, 429 and 5xx are transient, so a
 * retry with the same key runs the request again.
 */
export function isReplayableStatus(status: number): boolean {
  return status < 500 && status !== 409 && status !== 429;
}
