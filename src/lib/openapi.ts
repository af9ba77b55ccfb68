import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import {
  ApiError,
  ERROR_CODES,
  type ErrorCode,
  type FieldIssue,
  MAX_PROBLEM_ERRORS,
  PROBLEM_TYPE_BASE,
} from "./errors";

const LOCATION_BY_TARGET: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** Turns zod issues into `{ location, message }` entries, one per problem (SPEC §1). */
export function issuesToFieldErrors(target: string, issues: readonly ZodIssueLike[]): FieldIssue[] {
  const root = LOCATION_BY_TARGET[target] ?? target;
  return issues.flatMap((issue) => {
    const base = [root, ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => ({ location: `${base}.${key}`, message: "Unknown field" }));
    }
    return [{ location: base, message: issue.message }];
  });
}

/** An OpenAPIHono router whose validation failures all become one 400 problem listing every issue. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: true,
    defaultHook: (result) => {
      if (!result.success) {
        const errors = issuesToFieldErrors(result.target, result.error.issues as readonly ZodIssueLike[]);
        throw new ApiError("validation_error", "The request has invalid fields; see `errors`.", { errors });
      }
    },
  });
}

export type AppRouter = ReturnType<typeof createRouter>;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: `${PROBLEM_TYPE_BASE}validation_error` }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "The request has invalid fields; see `errors`." }),
    instance: z.string().openapi({ example: "/api/v1/api-keys" }),
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    requestId: z.string().openapi({ example: "req_5hQ2bT0cX9aLr1mZ3uV7wy" }),
    errors: z
      .array(z.object({ location: z.string().openapi({ example: "body.name" }), message: z.string() }))
      .max(MAX_PROBLEM_ERRORS)
      .optional()
      .openapi({
        description: `Each validation problem, with where it is (\`body.…\`, \`query.…\`, \`path.…\`); at most ${MAX_PROBLEM_ERRORS}, and \`detail\` says how many more were left out.`,
      }),
    msLeft: z
      .number()
      .int()
      .optional()
      .openapi({ description: "On `rate_limited`: milliseconds until the request would fit." }),
    resetAt: z.string().optional().openapi({ description: "On `ai_limit_exceeded`: when the next AI cycle starts." }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details; `code` is one of a closed set." });

export const ERROR_DESCRIPTIONS = {
  400: "Validation failed (`validation_error`); `errors` lists every problem.",
  401: "Missing, malformed, unknown or revoked credentials (`unauthorized`).",
  403: "No API access on this plan, organization suspended or cancelled, or missing scope (`forbidden`).",
  404: "Unknown route or object, including objects of another organization (`not_found`).",
  405: "Known path, wrong method (`method_not_allowed`), with `Allow`.",
  409: "State conflict, or the same Idempotency-Key is still in flight (`conflict`).",
  413: "Body over the route's limit (`payload_too_large`).",
  415: "Wrong Content-Type (`unsupported_media_type`).",
  422: "Idempotency-Key reused with a different request (`idempotency_key_reused`).",
  429: "Point budget exhausted (`rate_limited`), with `Retry-After` and `msLeft`. Also `rate_limited`: more than 30 failed authentications (unknown or revoked keys) from one client IP within a minute; that client's next attempts with keys not recently seen are refused for 60 s without being looked up.",
  500: "Unexpected error (`internal_error`); no internals are exposed.",
  503: "AI provider not configured or failing (`ai_unavailable`).",
} satisfies Record<ErrorStatus, string>;

type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** Problem responses for a route's OpenAPI definition. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status],
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  ) as { [K in S]: { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } } };
}

/** Errors every authenticated `/api/v1` route can answer. */
export const AUTHENTICATED_ERRORS = [401, 403, 429, 500] as const;

/** Response headers of a response that carries a secret (its handler sends `NO_STORE`). */
export const SECRET_RESPONSE_HEADERS = { "Cache-Control": { $ref: "#/components/headers/Cache-Control" } };

export const IdempotencyKeyHeader = z.object({
  "idempotency-key": z.string().max(255).optional().openapi({
    description:
      "Makes a POST safe to retry: the same key and request from the same API key within 24 h replays the first response with `Idempotent-Replayed: true`.",
    example: "9f1c0a4e-2b8d-4d1e-9a57-3c2f8b1e6d40",
  }),
});

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: "Page size, 1–100.", example: 50 }),
  cursor: z.string().max(512).optional().openapi({ description: "Opaque cursor from the previous page's `cursor`." }),
});

export function listSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      results: z.array(item),
      cursor: z
        .string()
        .nullable()
        .openapi({ description: "Pass as `cursor` for the next page; `null` on the last page." }),
    })
    .openapi(name);
}
