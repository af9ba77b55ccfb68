/** The closed set of problem codes (SPEC §1). */
export const ERROR_CODES = {
  validation_error: { status: 400, title: "Validation failed" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  plan_limit_reached: { status: 403, title: "Plan limit reached" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  idempotency_key_reused: { status: 422, title: "Idempotency key reused" },
  rate_limited: { status: 429, title: "Rate limited" },
  ai_limit_exceeded: { status: 429, title: "AI generation limit exceeded" },
  internal_error: { status: 500, title: "Internal server error" },
  ai_unavailable: { status: 503, title: "AI unavailable" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

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

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: "validation_error",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "idempotency_key_reused",
  429: "rate_limited",
  503: "ai_unavailable",
};

/** Maps a framework HTTP status (e.g. Hono's HTTPException) onto the closed code set. */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? "internal_error";
}
