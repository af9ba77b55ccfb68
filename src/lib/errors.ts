/**
 * The closed set of problem codes (SPEC §1): each code's status, its problem `title`, and how the
 * OpenAPI document describes it (a status's error response lists every code it can carry).
 */
export const ERROR_CODES = {
  validation_error: {
    status: 400,
    title: "Validation failed",
    description: "Validation failed (`validation_error`); `errors` lists every problem.",
  },
  unauthorized: {
    status: 401,
    title: "Unauthorized",
    description: "Missing, malformed, unknown or revoked credentials (`unauthorized`).",
  },
  forbidden: {
    status: 403,
    title: "Forbidden",
    description: "No API access on this plan, organization suspended or cancelled, or missing scope (`forbidden`).",
  },
  plan_limit_reached: {
    status: 403,
    title: "Plan limit reached",
    description: "Creating an API key or webhook endpoint beyond the plan's count (`plan_limit_reached`).",
  },
  not_found: {
    status: 404,
    title: "Not found",
    description: "Unknown route or object, including objects of another organization (`not_found`).",
  },
  method_not_allowed: {
    status: 405,
    title: "Method not allowed",
    description: "Known path, wrong method (`method_not_allowed`), with `Allow`.",
  },
  conflict: {
    status: 409,
    title: "Conflict",
    description: "State conflict, or the same Idempotency-Key is still in flight (`conflict`).",
  },
  payload_too_large: {
    status: 413,
    title: "Payload too large",
    description: "Body over the route's limit (`payload_too_large`).",
  },
  unsupported_media_type: {
    status: 415,
    title: "Unsupported media type",
    description: "Wrong or missing Content-Type (`unsupported_media_type`); `detail` says what this route takes.",
  },
  idempotency_key_reused: {
    status: 422,
    title: "Idempotency key reused",
    description: "Idempotency-Key reused with a different request (`idempotency_key_reused`).",
  },
  rate_limited: {
    status: 429,
    title: "Rate limited",
    description:
      "Point budget exhausted (`rate_limited`), with `Retry-After` and `msLeft`. Also `rate_limited`: more than 30 failed authentications (unknown or revoked keys) from one client IP within a minute; that client's next attempts with keys not recently seen are refused for 60 s without being looked up.",
  },
  ai_limit_exceeded: {
    status: 429,
    title: "AI generation limit exceeded",
    description:
      "The organization's monthly AI generations are used up (`ai_limit_exceeded`), with `resetAt` (start of the next cycle) and `Retry-After`.",
  },
  internal_error: {
    status: 500,
    title: "Internal server error",
    description: "Unexpected error (`internal_error`); no internals are exposed.",
  },
  ai_unavailable: {
    status: 503,
    title: "AI unavailable",
    description: "AI provider not configured or failing (`ai_unavailable`).",
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
/** Every status some problem code has. */
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode]["status"];

const CODES = Object.entries(ERROR_CODES) as [ErrorCode, (typeof ERROR_CODES)[ErrorCode]][];

/** A status's description for the OpenAPI document: every code it can carry, in table order. */
export function statusDescription(status: ErrorStatus): string {
  return CODES.filter(([, entry]) => entry.status === status)
    .map(([, entry]) => entry.description)
    .join(" ");
}

export interface FieldIssue {
  location: string;
  message: string;
}

export interface ApiErrorOptions {
  errors?: FieldIssue[];
  /** Extension members merged into the problem body (e.g. `msLeft`). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** A more specific HTTP status than the code's own (416 for an unsatisfiable range). */
  status?: number;
}

/** The one error type services and middleware throw; `onError` renders it as problem+json. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly options: ApiErrorOptions;

  constructor(code: ErrorCode, detail: string, options: ApiErrorOptions = {}) {
    super(detail);
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.options = options;
  }
}

export const PROBLEM_TYPE_BASE = "https://parley.dev/problems/";

/** A problem lists at most this many field issues, so a pathological body cannot produce a huge answer. */
export const MAX_PROBLEM_ERRORS = 20;
/** Locations echo client-chosen keys; both texts are clipped for the same reason. */
const MAX_ISSUE_TEXT = 200;

const clip = (text: string) => (text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT - 1)}…` : text);

/** Renders an RFC 9457 problem details response. */
export function problemResponse(error: ApiError, requestId: string, instance: string): Response {
  const body: Record<string, unknown> = {
    type: PROBLEM_TYPE_BASE + error.code,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    detail: error.message,
    instance,
    code: error.code,
    requestId,
    ...error.options.extensions,
  };
  const errors = error.options.errors;
  if (errors) {
    body.errors = errors
      .slice(0, MAX_PROBLEM_ERRORS)
      .map((issue) => ({ location: clip(issue.location), message: clip(issue.message) }));
    if (errors.length > MAX_PROBLEM_ERRORS) {
      body.detail = `${error.message} Only the first ${MAX_PROBLEM_ERRORS} problems are listed; ${errors.length - MAX_PROBLEM_ERRORS} more were omitted.`;
    }
  }
  const headers = new Headers(error.options.headers);
  headers.set("Content-Type", "application/problem+json");
  headers.set("X-Request-Id", requestId);
  headers.set("X-Content-Type-Options", "nosniff");
  if (error.code === "unauthorized" && !headers.has("WWW-Authenticate")) {
    headers.set("WWW-Authenticate", 'Bearer realm="parley"');
  }
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** A framework status's code: the first code of that status in the table (`forbidden`, `rate_limited`). */
const CODE_BY_STATUS = new Map<number, ErrorCode>(CODES.toReversed().map(([code, entry]) => [entry.status, code]));

/** Maps a framework HTTP status (e.g. Hono's HTTPException) onto the closed code set. */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS.get(status) ?? "internal_error";
}
