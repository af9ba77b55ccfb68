import type { components } from "./generated/schema.js";

/** An RFC 9457 problem as Parley sends it (`application/problem+json`). */
export type Problem = components["schemas"]["Problem"];
/** One of Parley's closed set of problem codes (SPEC §1). */
export type ProblemCode = Problem["code"];
/** One entry of a `validation_error`'s `errors`: where (`body.endDate`) and what. */
export type FieldError = NonNullable<Problem["errors"]>[number];

/**
 * A request Parley refused or failed: every non-2xx answer. `code` is Parley's problem code (switch on it, not on
 * `message`); `requestId` is what to quote to support. A response that was no problem document (a proxy's HTML
 * error page, say) still becomes a ParleyError, with `code` `internal_error` and `problem` null.
 */
export class ParleyError extends Error {
  override readonly name = "ParleyError";
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly requestId: string | null;
  /** The problem document as sent (with extension members such as `msLeft` or `resetAt`), or null. */
  readonly problem: Problem | null;
  /** Seconds to wait before retrying, from `Retry-After` (429, 503), else null. */
  readonly retryAfter: number | null;
  readonly response: Response;

  constructor(response: Response, body: unknown) {
    const problem = isProblem(body) ? body : null;
    const title = problem?.title ?? (response.statusText || `HTTP ${response.status}`);
    const detail = problem?.detail ?? (typeof body === "string" ? body.slice(0, 500) : "");
    super(detail ? `${title}: ${detail}` : title);
    this.status = response.status;
    this.code = problem?.code ?? "internal_error";
    this.title = title;
    this.detail = detail;
    this.errors = problem?.errors ?? [];
    this.requestId = problem?.requestId ?? response.headers.get("x-request-id");
    this.problem = problem;
    this.retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
    this.response = response;
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== "object" || body === null) return false;
  const { code, status } = body as Record<string, unknown>;
  return typeof code === "string" && typeof status === "number";
}

/** `Retry-After` as seconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
