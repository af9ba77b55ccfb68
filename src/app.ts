import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes, routePath } from "hono/route";
import { createDashboard } from "./dashboard";
import type { AppEnv } from "./env";
import { ApiError, codeForStatus, problemResponse } from "./lib/errors";
import { unsupportedDeclaredType } from "./lib/http";
import { type AppRouter, createRouter } from "./lib/openapi";
import { completeDocument } from "./lib/openapi-document";
import { registerWebhooks } from "./lib/openapi-webhooks";
import { adminAuth } from "./middleware/admin-auth";
import { auditTrail } from "./middleware/audit";
import { apiKeyAuth } from "./middleware/auth";
import { jsonBodyLimit } from "./middleware/body-limit";
import { pointBudget } from "./middleware/budget";
import { requestDeps } from "./middleware/deps";
import { idempotency } from "./middleware/idempotency";
import { requestId } from "./middleware/request-id";
import { securityHeaders } from "./middleware/security-headers";
import { adminOrganizationsRouter } from "./routes/admin-organizations/admin-organizations.index";
import { aiGenerationsRouter } from "./routes/ai-generations/ai-generations.index";
import { apiKeysRouter } from "./routes/api-keys/api-keys.index";
import { auditLogRouter } from "./routes/audit-log/audit-log.index";
import { docsPage } from "./routes/docs/docs-page";
import { erasureRouter } from "./routes/erasure/erasure.index";
import { eventsRouter } from "./routes/events/events.index";
import { exportsRouter } from "./routes/exports/exports.index";
import { filesRouter } from "./routes/files/files.index";
import { healthRouter } from "./routes/health/health.index";
import { insightsRouter } from "./routes/insights/insights.index";
import { meetingsRouter } from "./routes/meetings/meetings.index";
import { organizationRouter } from "./routes/organization/organization.index";
import { recordingsRouter } from "./routes/recordings/recordings.index";
import { roomEventsRouter } from "./routes/room-events/room-events.index";
import { roomsRouter } from "./routes/rooms/rooms.index";
import { summariesRouter } from "./routes/summaries/summaries.index";
import { transcriptionsRouter } from "./routes/transcriptions/transcriptions.index";
import { webhooksRouter } from "./routes/webhooks/webhooks.index";
import { OPERATOR_SCOPE } from "./services/org-gate";

export const OPENAPI_PATH = "/api/v1/openapi.json";
export const DOCS_PATH = "/docs";

/** Routers mounted at the root; each declares full paths so the OpenAPI document is exact. */
const ROUTERS = [
  healthRouter,
  organizationRouter,
  apiKeysRouter,
  meetingsRouter,
  roomsRouter,
  roomEventsRouter,
  insightsRouter,
  recordingsRouter,
  transcriptionsRouter,
  aiGenerationsRouter,
  summariesRouter,
  eventsRouter,
  webhooksRouter,
  erasureRouter,
  auditLogRouter,
  exportsRouter,
  filesRouter,
  adminOrganizationsRouter,
];

const API_DESCRIPTION = `Parley is the control plane behind video meetings.

**Authentication**: \`Authorization: Bearer prl_…\` on every \`/api/v1\` route except this document.
Operator routes under \`/admin/v1\` take \`Authorization: Bearer <ADMIN_TOKEN>\`.

**Point budget**: GET/HEAD cost 1 point, DELETE 2, POST/PUT/PATCH 3, counted per organization over any
rolling 60 seconds. Every authenticated response carries \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`,
\`X-RateLimit-Reset\`, \`RateLimit-Policy\` and \`RateLimit\`. A refusal is 429 \`rate_limited\` with
\`Retry-After\` and \`msLeft\`; on a 429 the \`RateLimit\` \`t\` equals \`Retry-After\`. Refused requests cost
nothing; requests refused later (401 after admission, 403 for a missing scope, 404) still cost their points.

**Errors** are RFC 9457 problem details with a closed set of \`code\`s. Unknown body fields are rejected.

**Idempotency**: every POST accepts \`Idempotency-Key\` (≤ 255 chars), kept 24 h per API key (the same key
from another API key of the organization is another request). Responses with status < 500 other than 409 and
429 are replayed, only after the key's scope is checked; others release the key so a retry runs again.`;

/** Relative first: the document is served by the deployment it describes, whatever its host name. */
const SERVERS = [
  { url: "/", description: "The Parley deployment that serves this document." },
  { url: "http://localhost:8787", description: "A local development server (`npm run dev`)." },
];

function isAuthenticatedApiPath(path: string): boolean {
  return path.startsWith("/api/v1/") && path !== OPENAPI_PATH;
}

export interface AppOptions {
  /** The audit trail (SPEC §9); only the bench turns it off, to measure what it costs. */
  audit?: boolean;
}

/** Builds the Hono app: middleware order, routers, the OpenAPI document and the docs page. */
export function createApp(options: AppOptions = {}): AppRouter {
  const app = createRouter();

  const allowedMethods = methodIndex(app);
  app.use("*", requestId);
  app.use("*", requestDeps);
  // Outside every guard, so it sees each request's final status, refusals included.
  if (options.audit !== false) app.use("*", auditTrail);
  app.use("*", securityHeaders);
  app.use("/admin/*", adminAuth);
  app.use("/admin/*", jsonBodyLimit);
  app.use(
    "/admin/*",
    idempotency(() => ({ space: OPERATOR_SCOPE, caller: OPERATOR_SCOPE })),
  );
  // Credentials first (a missing key is 401 whatever the body), then the budget, then the body cap
  // (before the route's scope guard, which then honours Idempotency-Key). A path no route answers
  // skips all of it and is a plain 404.
  // The router has already matched this request, so a known route costs no extra work; only a
  // request no route takes (unknown path or wrong method) consults the method index.
  const decided = new WeakMap<Request, boolean>(); // once per request, not once per middleware
  const authenticated = (c: Context<AppEnv>) => {
    let answer = decided.get(c.req.raw);
    if (answer === undefined) {
      answer =
        isAuthenticatedApiPath(c.req.path) &&
        (matchedRoutes(c).some((route) => route.method !== "ALL") || allowedMethods(c.req.path).length > 0);
      decided.set(c.req.raw, answer);
    }
    return answer;
  };
  for (const middleware of [apiKeyAuth, pointBudget, jsonBodyLimit]) {
    app.use("/api/v1/*", (c, next) => (authenticated(c) ? middleware(c, next) : next()));
  }

  for (const router of ROUTERS) app.route("/", router);

  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An organization API key: `prl_` + 40 base62 characters (the last 6 are a CRC-32 checksum).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The operator token (`ADMIN_TOKEN` secret). Without it configured, every `/admin` route answers 401.",
  });

  app.route("/", createDashboard());

  registerMetaRoutes(app);
  registerWebhooks(app);
  let document: unknown;
  app.get(OPENAPI_PATH, (c) => {
    document ??= completeDocument(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: { title: "Parley API", version: c.env.APP_VERSION, description: API_DESCRIPTION },
        servers: SERVERS,
        tags: [
          { name: "Meta", description: "Health and documentation." },
          { name: "Organization", description: "The calling organization, its limits and usage." },
          { name: "API keys", description: "Keys for the calling organization (scope `admin`)." },
          { name: "Meetings", description: "Transient rooms, Whereby-compatible." },
          { name: "Rooms", description: "Per-room theming." },
          { name: "Recordings", description: "Recordings in R2: direct and multipart upload, access links." },
          {
            name: "Transcriptions",
            description:
              "Transcripts of recordings (AI, through a queue) or imported; exports, speaker renames, insights.",
          },
          {
            name: "Summaries",
            description: "One AI summary per transcription, in one of six templates, written by a queued job.",
          },
          {
            name: "AI generations",
            description:
              "Key points, feedback, follow-up emails and questions on a transcript; cached per parameters, on the monthly AI quota.",
          },
          { name: "Events", description: "The event log: everything that happened in the last 30 days." },
          { name: "Webhooks", description: "Endpoints that receive events, signed per Standard Webhooks." },
          { name: "Privacy", description: "Erasure of a person's data (scope `admin`)." },
          {
            name: "Audit log",
            description: "Every data-changing request, download and operator call (scope `admin`).",
          },
          {
            name: "Exports",
            description: "All of the organization's data as one JSON document (scope `admin`), kept 7 days.",
          },
          { name: "Operator", description: "Operator API, guarded by `ADMIN_TOKEN`." },
        ],
      }),
    );
    return c.json(document);
  });
  app.get(DOCS_PATH, docsPage(OPENAPI_PATH));

  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    if (allow.length > 0) {
      throw new ApiError("method_not_allowed", `${c.req.method} is not supported here; use ${allow.join(", ")}.`, {
        headers: { Allow: allow.join(", ") },
      });
    }
    throw new ApiError("not_found", `No route ${c.req.method} ${c.req.path}.`);
  });
  const bodyTypes = declaredBodyTypes(app);
  app.onError((error, c) => renderError(error, c, bodyTypes));
  return app;
}

/** The document itself and its reference page are routes too; they are served by plain handlers. */
function registerMetaRoutes(app: AppRouter) {
  app.openAPIRegistry.registerPath({
    method: "get",
    path: OPENAPI_PATH,
    operationId: "getOpenApiDocument",
    tags: ["Meta"],
    summary: "This OpenAPI 3.1 document",
    description: "No authentication. Generated from the same zod schemas that validate requests.",
    security: [],
    responses: { 200: { description: "The document.", content: { "application/json": { schema: z.object({}) } } } },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: DOCS_PATH,
    operationId: "getApiReference",
    tags: ["Meta"],
    summary: "Interactive API reference",
    description:
      "No authentication. An HTML page (Scalar) that renders this document; every file it loads is served by Parley, so it works offline.",
    security: [],
    responses: { 200: { description: "The page.", content: { "text/html": { schema: z.string() } } } },
  });
}

/** For a path, the methods some route answers it with (built once, on first use). */
function methodIndex(app: AppRouter): (path: string) => string[] {
  let index: { pattern: RegExp; method: string }[] | undefined;
  return (path) => {
    index ??= app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[^/]+/g, "[^/]+")}$`),
      }));
    const methods = new Set(index.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

/** For a route (method and router path), the body media types its definition declares (built once, on first use). */
function declaredBodyTypes(app: AppRouter): (method: string, path: string) => string[] {
  let index: Map<string, string[]> | undefined;
  return (method, path) => {
    index ??= new Map(
      app.openAPIRegistry.definitions.flatMap((definition): [string, string[]][] => {
        if (definition.type !== "route" || !definition.route.request?.body) return [];
        const { method: verb, path: template } = definition.route;
        const key = `${verb.toUpperCase()} ${template.replace(/\{([^}]+)\}/g, ":$1")}`;
        return [[key, Object.keys(definition.route.request.body.content)]];
      }),
    );
    return index.get(`${method} ${path}`) ?? [];
  };
}

function renderError(error: Error, c: Context<AppEnv>, bodyTypes: ReturnType<typeof declaredBodyTypes>): Response {
  const requestId = c.get("requestId") ?? "unknown";
  const path = c.req.path;
  if (error instanceof ApiError) return problemResponse(error, requestId, path);
  // The framework's 415 knows nothing of the route; its definition says what the body may be.
  if (error instanceof HTTPException && error.status === 415) {
    const declared = bodyTypes(c.req.method, routePath(c));
    return problemResponse(unsupportedDeclaredType(c.req.header("content-type"), declared), requestId, path);
  }
  if (error instanceof HTTPException) return problemResponse(frameworkProblem(error), requestId, path);
  console.error(JSON.stringify({ level: "error", requestId, path, name: error.name, message: error.message }));
  return problemResponse(
    new ApiError("internal_error", "Something went wrong on our side; it has been logged."),
    requestId,
    path,
  );
}

/**
 * Hono's own refusals, in the closed code set. Its 400s come from the validators reading a body
 * they cannot parse: JSON (`Malformed JSON in request body`) or a form (`Malformed FormData request. …`).
 */
function frameworkProblem(error: HTTPException): ApiError {
  const code = codeForStatus(error.status);
  if (error.status !== 400) return new ApiError(code, error.message || code);
  const errors = [{ location: "body", message: error.message || "Malformed body" }];
  if (/json/i.test(error.message)) return new ApiError(code, "The request body is not valid JSON.", { errors });
  if (/formdata/i.test(error.message)) {
    return new ApiError(
      code,
      "The request body is not valid multipart/form-data (or form-urlencoded): it could not be read as a form; see `errors`.",
      { errors },
    );
  }
  return new ApiError(code, "The request body could not be read; see `errors`.", { errors });
}
