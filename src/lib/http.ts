import { ApiError } from "./errors";

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

/** The media type of a `Content-Type` header without parameters, lowercased; `undefined` when absent or empty. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  return header?.split(";")[0]?.trim().toLowerCase() || undefined;
}

/**
 * The 415 for a body this route does not take: what arrived, then `accepted` (a sentence saying
 * what to send), then `fix` for a recognisable slip.
 */
export function unsupportedMediaType(header: string | undefined, accepted: string, fix?: string): ApiError {
  const sent = mediaTypeOf(header);
  const what = sent ? `\`Content-Type: ${sent}\` is not accepted here.` : "The request has no Content-Type.";
  return new ApiError("unsupported_media_type", [what, accepted, fix].filter(Boolean).join(" "));
}

/** What a route that declares these body types asks for, with the fix for `curl -d`'s form encoding. */
export function unsupportedDeclaredType(header: string | undefined, declared: readonly string[]): ApiError {
  const json = declared.find(isJsonContentType);
  const accepted =
    declared.length === 1 && json
      ? `Send the body as JSON with \`Content-Type: ${json}\`.`
      : declared.length > 0
        ? `Send one of: ${declared.map((t) => `\`${t}\``).join(", ")}.`
        : "";
  const fix =
    json && mediaTypeOf(header) === "application/x-www-form-urlencoded"
      ? `(\`curl -d\` sends application/x-www-form-urlencoded unless you add \`-H 'Content-Type: ${json}'\`.)`
      : undefined;
  return unsupportedMediaType(header, accepted, fix);
}
