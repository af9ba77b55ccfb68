import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import {
  ApiError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorStatus,
  type FieldIssue,
  MAX_PROBLEM_ERRORS,
  PROBLEM_TYPE_BASE,
  statusDescription,
} from "./errors";
import { isJsonContentType } from "./http";

const LOCATION_BY_TARGET: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

const NOUN_BY_TARGET: Record<string, string> = { json: "field", form: "field", header: "header" };

export interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  expected?: string;
  format?: string;
}

const withArticle = (type: string) => `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number") return `the number ${value}`;
  return typeof value === "object" ? "an object" : String(value);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );
}

/**
 * zod's own type messages ("Invalid input: expected string, received undefined"; "received NaN" for
 * a coerced "ten") in plain words, using what the client actually sent. Messages a schema chose are kept.
 */
function plainMessage(target: string, issue: ZodIssueLike, input: unknown): string {
  if (issue.code === "invalid_format" && issue.format === "datetime" && issue.message.startsWith("Invalid ISO")) {
    return "Expected an ISO 8601 date-time with a time zone, e.g. 2026-11-21T16:00:00Z or 2026-11-21T17:00:00+01:00";
  }
  if (issue.code !== "invalid_type" || !issue.expected || !issue.message.startsWith("Invalid input")) {
    return issue.message;
  }
  const value = valueAt(input, issue.path);
  const expected = withArticle(issue.expected);
  if (value === undefined) return `Required ${NOUN_BY_TARGET[target] ?? "parameter"} is missing (expected ${expected})`;
  return `Expected ${expected}, got ${describeValue(value)}`;
}

/** Turns zod issues into `{ location, message }` entries, one per problem (SPEC §1). */
export function issuesToFieldErrors(target: string, issues: readonly ZodIssueLike[], input?: unknown): FieldIssue[] {
  const root = LOCATION_BY_TARGET[target] ?? target;
  const locate = (issue: ZodIssueLike) => [root, ...issue.path.map(String)].join(".");
  // zod still runs a schema's checks on a value of the wrong type ("Too big: expected string to
  // have <=3 characters" for `"read"` in place of an array); the type mismatch says it all.
  const mistyped = new Set(issues.filter((i) => i.code === "invalid_type").map(locate));
  return issues.flatMap((issue) => {
    const base = locate(issue);
    if (mistyped.has(base) && issue.code !== "invalid_type") return [];
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => ({ location: `${base}.${key}`, message: "Unknown field" }));
    }
    return [{ location: base, message: plainMessage(target, issue, input) }];
  });
}

type ValidationResult = { target: string } & (
  | { success: true }
  | { success: false; error: { issues: readonly unknown[] }; data?: unknown }
);

/** Every validation failure becomes one 400 problem listing every issue (SPEC §1). */
export function validationHook(result: ValidationResult, c: Context<AppEnv>): undefined {
  if (result.success) return undefined;
  // A required JSON body with no JSON Content-Type reaches the validator only when there is no body.
  if (result.target === "json" && !isJsonContentType(c.req.header("content-type"))) {
    throw new ApiError(
      "validation_error",
      "This route takes a JSON body and none was sent: send it with `Content-Type: application/json`.",
      { errors: [{ location: "body", message: "Missing JSON body" }] },
    );
  }
  const errors = issuesToFieldErrors(result.target, result.error.issues as readonly ZodIssueLike[], result.data);
  throw new ApiError("validation_error", "The request has invalid fields; see `errors`.", { errors });
}

/** An OpenAPIHono router whose validation failures go through `validationHook`. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ strict: true, defaultHook: validationHook });
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

/** Problem responses for a route's OpenAPI definition. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: statusDescription(status),
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
    .openapi(name, {
      description: `One page of a keyset-paginated list; pass \`cursor\` to fetch the next (\`null\` on the last).`,
    });
}
