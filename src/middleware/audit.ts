import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env";
import { newId } from "../lib/ids";
import { type AuditRecord, recordAudit } from "../services/audit-log";
import { OPERATOR_SCOPE } from "../services/org-gate";

const CHANGING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Ids come from paths and headers; anything longer is not an id Parley issued, and is cut. */
const MAX_ID_LENGTH = 128;

/** A Hono route path in OpenAPI form: `/api/v1/meetings/:meetingId` → `/api/v1/meetings/{meetingId}`. */
export function openApiTemplate(honoPath: string): string {
  return honoPath.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");
}

/** The route that answered (or would have answered) the request: the last matched route of one method. */
function matchedTemplate(c: Context<AppEnv>): string | null {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== "ALL" && !route.path.includes("*")) return openApiTemplate(route.path);
  }
  return null;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment).slice(0, MAX_ID_LENGTH);
  } catch {
    return segment.slice(0, MAX_ID_LENGTH);
  }
}

/** The path's parameter values, in template order, read by position (routes have no wildcards). */
function pathParams(template: string, path: string): { name: string; value: string }[] {
  const values = path.split("/");
  return template.split("/").flatMap((segment, i) => {
    const name = segment.match(/^\{(\w+)\}$/)?.[1];
    return name ? [{ name, value: decoded(values[i] ?? "") }] : [];
  });
}

/** `/api/v1/meetings` → `meetingId`, `/api/v1/summaries` → `summaryId`, `/api/v1/erasure` → `erasureId`. */
function idFieldOf(template: string): string {
  const last = template.split("/").at(-1) ?? "";
  const singular = last.replace(/ies$/, "y").replace(/s$/, "");
  return `${singular.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())}Id`;
}

/**
 * The object a request acted on (the rule the README states):
 * 1. what the handler set in `auditContext.objectId`;
 * 2. for a 201 or 202, the created object: the last segment of `Location`, or, on a route without path
 *    parameters that sends none, the body's `id` or `<resource>Id` (`POST /api/v1/erasure` → `erasureId`);
 * 3. the last path parameter named `…Id`, else the first path parameter (`roomName`);
 * 4. otherwise none (bulk deletes, room-event batches).
 */
async function objectIdOf(
  res: Response,
  template: string,
  params: { name: string; value: string }[],
  body: Promise<unknown> | null,
): Promise<string | null> {
  if (res.status === 201 || res.status === 202) {
    const location = res.headers.get("location");
    if (location) return decoded(new URL(location, "https://parley.invalid").pathname.split("/").at(-1) ?? "");
    const created = body ? await body.catch(() => null) : null;
    if (created && typeof created === "object") {
      const fields = created as Record<string, unknown>;
      const id = fields.id ?? fields[idFieldOf(template)];
      if (typeof id === "string") return id.slice(0, MAX_ID_LENGTH);
    }
  }
  const named = params.filter((p) => p.name.endsWith("Id")).at(-1) ?? params[0];
  return named?.value ?? null;
}

/** The response's JSON, read from a copy (the client gets the original); `null` when it is not JSON. */
function bodyOf(res: Response): Promise<unknown> {
  try {
    return res.clone().json();
  } catch {
    return Promise.resolve(null);
  }
}

type Actor = Pick<AuditRecord, "orgId" | "keyId" | "actorType">;

/** Whose action this is, or `null` when the request is not audited. */
function actorOf(c: Context<AppEnv>, template: string | null): Actor | null {
  const context = c.get("auditContext");
  const auth = c.get("auth");
  if (context) return { orgId: context.orgId, keyId: auth?.keyId ?? null, actorType: "api" };
  // Refused before the caller was known (401): not an action of any tenant.
  if (template === null || c.res.status === 401) return null;
  if (template.startsWith("/admin/")) return { orgId: OPERATOR_SCOPE, keyId: null, actorType: "operator" };
  if (auth && CHANGING_METHODS.has(c.req.method)) return { orgId: auth.orgId, keyId: auth.keyId, actorType: "api" };
  return null;
}

/**
 * The audit trail (SPEC §9): every data-changing `/api/v1` request of a known key, every operator call,
 * and any request whose handler set `auditContext` (a download), recorded after the response. The row is
 * written in `waitUntil`, so the response waits for no D1 round trip; `recordAudit` covers a failed write.
 * Never recorded: request bodies, query strings, erasure subjects, requests that match no route, 401s.
 */
export const auditTrail = createMiddleware<AppEnv>(async (c, next) => {
  const createdAt = Date.now();
  await next();
  // Reads of the API (most requests) are settled without looking at the route.
  if (!c.get("auditContext") && !c.req.path.startsWith("/admin/") && !CHANGING_METHODS.has(c.req.method)) return;
  const template = matchedTemplate(c);
  const actor = actorOf(c, template);
  if (!actor) return;
  const route = template ?? c.req.path;
  const params = pathParams(route, c.req.path);
  const res = c.res;
  const needsBody =
    (res.status === 201 || res.status === 202) && params.length === 0 && !res.headers.has("location") && res.body;
  const body = needsBody ? bodyOf(res) : null;
  const { db, queues } = c.var.deps;
  const context = c.get("auditContext");
  const requestId = c.get("requestId");
  c.executionCtx.waitUntil(
    (async () => {
      let objectId = context?.objectId;
      if (objectId === undefined) objectId = await objectIdOf(res, route, params, body);
      const orgId = actor.actorType === "operator" ? operatorOrg(route, params, objectId) : actor.orgId;
      await recordAudit(db, queues, {
        id: newId("aud"),
        ...actor,
        orgId,
        memberId: null,
        method: c.req.method,
        route,
        objectId,
        status: res.status,
        requestId,
        createdAt,
      });
    })(),
  );
});

/**
 * An operator call belongs to the organization it names (`/admin/v1/organizations/{organizationId}…`,
 * or the one a create made); calls about no one organization (the list) are kept under `operator`.
 */
function operatorOrg(route: string, params: { name: string; value: string }[], objectId: string | null): string {
  const named = params.find((p) => p.name === "organizationId")?.value;
  if (named) return named;
  if (route === "/admin/v1/organizations" && objectId) return objectId;
  return OPERATOR_SCOPE;
}
