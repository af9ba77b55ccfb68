import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { MemberRole } from "../db/schema";
import { csrfTokenMatches, resolveSession, SESSION_ABSOLUTE_MS } from "../services/dashboard-sessions";
import type { DashboardContext, DashboardEnv } from "./env";
import { forbiddenPage } from "./pages/errors";

export const SESSION_COOKIE = "__Host-parley_session";
export const CSRF_FIELD = "_csrf";
export const SIGN_IN_PATH = "/dashboard/sign-in";

/**
 * Always `Secure`, on http://localhost too: the `__Host-` prefix is only accepted with `Secure`, and browsers
 * (Chromium, Firefox) accept `Secure` cookies from http://localhost and http://127.0.0.1 as from https.
 */
const COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: "Lax", path: "/" } as const;

export function setSessionCookie(c: DashboardContext, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { ...COOKIE_OPTIONS, maxAge: SESSION_ABSOLUTE_MS / 1000 });
}

export function clearSessionCookie(c: DashboardContext): void {
  deleteCookie(c, SESSION_COOKIE, COOKIE_OPTIONS);
}

/** The form fields of a POST (parsed once; Hono caches the parsed body for later readers). */
export async function formOf(c: DashboardContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === "string") form[name] = value;
  return form;
}

/** Form POSTs come from the dashboard's own pages: a cross-site Origin is refused before anything else. */
export const sameOriginPosts = createMiddleware<DashboardEnv>(async (c, next) => {
  if (c.req.method === "POST") {
    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin) {
      return forbiddenPage(c, "This form was sent from another site.");
    }
  }
  await next();
});

/**
 * Signed-in pages: resolves the session cookie to the member (else to the sign-in page), and checks the CSRF token
 * of every POST against the one bound to the session (missing or wrong → 403 page).
 */
export const requireMember = createMiddleware<DashboardEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE) ?? "";
  const member = await resolveSession(c.var.deps.db, token, Date.now(), (write) => c.executionCtx.waitUntil(write));
  if (!member) {
    if (token) clearSessionCookie(c);
    if (c.req.method === "GET") return c.redirect(SIGN_IN_PATH, 303);
    return forbiddenPage(c, "You are not signed in (or your session has ended). Sign in and try again.");
  }
  c.set("member", member);
  if (c.req.method === "POST") {
    const form = await formOf(c);
    if (!(await csrfTokenMatches(token, form[CSRF_FIELD]))) {
      return forbiddenPage(c, "This form's security token is missing or wrong. Reload the page and try again.");
    }
  }
  c.header("Cache-Control", "no-store");
  await next();
});

/** Pages and actions only some roles may use; enforced here, whatever links a page shows. */
export function requireRole(...roles: MemberRole[]) {
  return createMiddleware<DashboardEnv>(async (c, next) => {
    const { role } = c.get("member");
    if (!roles.includes(role)) {
      return forbiddenPage(c, `Your role (${role}) cannot open this page; ask an owner.`);
    }
    await next();
  });
}
