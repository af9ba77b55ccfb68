import { statusDescription } from "./errors";
import { isReplayableStatus } from "./http";
import type { AppRouter } from "./openapi";

type OpenAPIObject = ReturnType<AppRouter["getOpenAPI31Document"]>;

type HeaderRef = { $ref: string };
type ResponseObject = { description: string; headers?: Record<string, HeaderRef>; content?: unknown };
type Operation = {
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, ResponseObject>;
};

const integer = { type: "integer" } as const;
const string = { type: "string" } as const;

/** Headers the middleware adds to responses, described once and referenced from every response. */
const HEADERS = {
  "X-Request-Id": { description: "The request's id (the client's own, if it sent a sane one).", schema: string },
  "X-Content-Type-Options": { description: "`nosniff` on every response.", schema: string },
  "Cache-Control": {
    description: "`no-store` on responses that carry a secret (a new API key, a webhook signing secret).",
    schema: string,
  },
  "X-RateLimit-Limit": { description: "The organization's point budget per rolling 60 s.", schema: integer },
  "X-RateLimit-Remaining": { description: "Points left right now.", schema: integer },
  "X-RateLimit-Reset": { description: "HTTP-date when the full budget is back.", schema: string },
  "RateLimit-Policy": { description: 'IETF draft: `"points";q=<budget>;w=60`.', schema: string },
  RateLimit: { description: 'IETF draft: `"points";r=<remaining>;t=<seconds>`.', schema: string },
  "Retry-After": { description: "Seconds until this request would be admitted.", schema: integer },
  "WWW-Authenticate": {
    description: '`Bearer realm="parley"`, with `error="invalid_token"` for a bad key.',
    schema: string,
  },
  Location: {
    description: "The absolute path of the created object's GET route (e.g. `/api/v1/meetings/mtg_…`).",
    schema: string,
  },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored response to an earlier request with the same Idempotency-Key.",
    schema: string,
  },
} as const;

type HeaderName = keyof typeof HEADERS;
const ref = (name: HeaderName): HeaderRef => ({ $ref: `#/components/headers/${name}` });
const BUDGET_HEADERS: HeaderName[] = [
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "RateLimit-Policy",
  "RateLimit",
];

function headersFor(method: string, status: string, authenticated: boolean): HeaderName[] {
  const names: HeaderName[] = ["X-Request-Id", "X-Content-Type-Options"];
  // 401 is decided before the budget is consulted; every other authenticated answer carries it.
  if (authenticated && status !== "401") names.push(...BUDGET_HEADERS);
  if (status === "401") names.push("WWW-Authenticate");
  if (status === "429" || status === "503") names.push("Retry-After");
  if (status === "201") names.push("Location");
  if (method === "post" && isReplayableStatus(Number(status))) {
    names.push("Idempotent-Replayed");
  }
  return names;
}

/** Paths whose GET also answers HEAD as a documented part of the contract (SPEC §5: file links). */
const HEAD_PATHS = ["/files/recordings/{recordingId}"];

/** HEAD operations: the GET's parameters and statuses, with headers only. */
function addHeadOperations(document: OpenAPIObject) {
  for (const path of HEAD_PATHS) {
    const item = document.paths?.[path] as Record<string, Operation & Record<string, unknown>> | undefined;
    const get = item?.get;
    if (!item || !get) continue;
    const responses = Object.fromEntries(
      Object.entries(get.responses ?? {}).map(([status, response]) => [status, { description: response.description }]),
    );
    const operationId = typeof get.operationId === "string" ? get.operationId.replace(/^get/, "head") : undefined;
    item.head = { ...get, operationId, summary: `${String(get.summary)} (headers only)`, responses };
  }
}

/**
 * Completes the generated document with what the framework and middleware add: HEAD where it is
 * part of the contract, response headers on every response, and the 400 every operation with
 * validated parameters or a body can answer.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  addHeadOperations(document);
  document.components ??= {};
  document.components.headers = { ...document.components.headers, ...HEADERS };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, value] of Object.entries(item as Record<string, unknown>)) {
      if (!["get", "put", "post", "delete", "patch", "head"].includes(method)) continue;
      const operation = value as Operation;
      operation.responses ??= {};
      const responses = operation.responses;
      if ((operation.parameters?.length || operation.requestBody) && !responses["400"]) {
        responses["400"] = {
          description: statusDescription(400),
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        };
      }
      const authenticated = path.startsWith("/api/v1/") && (operation.security?.length ?? 0) > 0;
      for (const [status, response] of Object.entries(responses)) {
        const names = headersFor(method, status, authenticated);
        response.headers = { ...Object.fromEntries(names.map((name) => [name, ref(name)])), ...response.headers };
      }
    }
  }
  return document;
}
