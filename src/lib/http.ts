/** `application/json` or `application/<x>+json`, with or without parameters, in any case. */
export function isJsonContentType(type: string | undefined): boolean {
  return /^application\/([a-z0-9.+-]*\+)?json\b/i.test(type ?? "");
}

/**
 * Which responses an Idempotency-Key keeps and replays: 409, 429 and 5xx are transient, so a
 * retry with the same key runs the request again.
 */
export function isReplayableStatus(status: number): boolean {
  return status < 500 && status !== 409 && status !== 429;
}

/**
 * A route template (`/api/v1/meetings/{meetingId}`) with its parameters filled in: the absolute
 * path a 201 names in `Location`, so the header always matches the GET route it points at.
 */
export function pathTo(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`pathTo: no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
