import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { ApiError } from "../lib/errors";
import { resolveSession, signIn, signOut } from "../services/dashboard-sessions";
import { acceptInvitation, openInvitation } from "../services/members";
import { dashboardAction } from "./action";
import type { DashboardContext, DashboardEnv } from "./env";
import { apiKeysPages } from "./pages/api-keys";
import { auditLogPages } from "./pages/audit-log";
import { InvitationPage, SignInPage } from "./pages/auth";
import { dataPages } from "./pages/data";
import { errorPage } from "./pages/errors";
import { meetingsPages } from "./pages/meetings";
import { membersPages } from "./pages/members";
import { OverviewPage } from "./pages/overview";
import { recordingsPages } from "./pages/recordings";
import { transcriptionsPages } from "./pages/transcriptions";
import { webhooksPages } from "./pages/webhooks";
import {
  clearSessionCookie,
  formOf,
  requireMember,
  SESSION_COOKIE,
  SIGN_IN_PATH,
  sameOriginPosts,
  setSessionCookie,
} from "./session";
import { DASHBOARD_CSS, STYLESHEET_PATH } from "./styles";

const FORM_LIMIT_BYTES = 64 * 1024;

/** What every dashboard page says about itself to the browser: no framing, no outside resources, no referrer. */
const PAGE_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  // Not no-referrer: with it, browsers send `Origin: null` on form posts, which the same-origin check refuses.
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

function statusOf(error: ApiError) {
  const allowed = [400, 403, 404, 409, 413, 415, 422, 429, 503] as const;
  return (allowed as readonly number[]).includes(error.status) ? (error.status as (typeof allowed)[number]) : 500;
}

/** The dashboard (SPEC §11): server-rendered pages on the same Worker, calling the API's own services. */
export function createDashboard() {
  const dash = new Hono<DashboardEnv>();

  dash.use("/dashboard/*", async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.res.headers.set(name, value);
  });
  dash.use(
    "/dashboard/*",
    bodyLimit({ maxSize: FORM_LIMIT_BYTES, onError: (c) => errorPage(c, 413, "Too large", "This form is too large.") }),
  );
  dash.use("/dashboard/*", sameOriginPosts);

  dash.get(STYLESHEET_PATH, (c) =>
    c.body(DASHBOARD_CSS, 200, {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
    }),
  );

  dash.get(SIGN_IN_PATH, (c) => c.html(<SignInPage />));
  dash.post(SIGN_IN_PATH, async (c) => {
    const form = await formOf(c);
    const email = form.email ?? "";
    const result = await signIn(c.var.deps.db, email, form.password ?? "");
    if (result.outcome === "throttled") {
      const minutes = Math.ceil(result.retryAfterMs / 60_000);
      c.header("Retry-After", String(Math.ceil(result.retryAfterMs / 1000)));
      return c.html(
        <SignInPage email={email} error={`Too many failed attempts. Try again in ${minutes} minutes.`} />,
        429,
      );
    }
    if (result.outcome === "invalid") {
      return c.html(<SignInPage email={email} error="The email or password is wrong." />, 401);
    }
    // A sign-in over an existing session replaces it; the old token stops working at once.
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous) await endSession(c, previous);
    setSessionCookie(c, result.token);
    return c.redirect("/dashboard", 303);
  });

  dash.get("/dashboard/invitation", async (c) => {
    const token = c.req.query("token") ?? "";
    const invitation = await openInvitation(c.var.deps.db, token);
    return c.html(<InvitationPage token={token} invitation={invitation} />);
  });
  dash.post("/dashboard/invitation", async (c) => {
    const form = await formOf(c);
    const token = form.token ?? "";
    const db = c.var.deps.db;
    const invitation = await openInvitation(db, token);
    try {
      await acceptInvitation(db, token, { name: form.name ?? "", password: form.password ?? "" });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      return c.html(
        <InvitationPage token={token} invitation={invitation} name={form.name} error={error.message} />,
        400,
      );
    }
    return c.redirect(SIGN_IN_PATH, 303);
  });

  dash.use("/dashboard", requireMember);
  dash.use("/dashboard/*", async (c, next) => {
    // The pages above (sign-in, invitation, the stylesheet) are public; everything else needs a member.
    if (c.req.path === SIGN_IN_PATH || c.req.path === "/dashboard/invitation" || c.req.path === STYLESHEET_PATH) {
      return next();
    }
    return requireMember(c, next);
  });

  dash.post("/dashboard/sign-out", async (c) => {
    const member = c.get("member");
    await dashboardAction(c, { route: "/dashboard/sign-out", objectId: member.sessionId }, () =>
      signOut(c.var.deps.db, member),
    );
    clearSessionCookie(c);
    return c.redirect(SIGN_IN_PATH, 303);
  });

  dash.get("/dashboard", async (c) => {
    const member = c.get("member");
    const view = await c.var.deps.gateOf(member.orgId).dashboardView(member.orgId, 30);
    if (!view) throw new ApiError("not_found", "This organization no longer exists.");
    return c.html(<OverviewPage member={member} org={view.org} points={view.points} daily={view.daily} />);
  });

  dash.route("/", apiKeysPages);
  dash.route("/", webhooksPages);
  dash.route("/", membersPages);
  dash.route("/", transcriptionsPages);
  dash.route("/", meetingsPages);
  dash.route("/", recordingsPages);
  dash.route("/", auditLogPages);
  dash.route("/", dataPages);

  dash.all("/dashboard/*", (c) => errorPage(c, 404, "Not found", "There is no such dashboard page."));

  dash.onError((error, c) => {
    if (error instanceof ApiError) {
      const status = statusOf(error);
      // A refusal that says when to come back (an exhausted AI quota, the sign-in throttle) says it here too.
      const retryAfter = error.options.headers?.["Retry-After"];
      if (retryAfter) c.header("Retry-After", retryAfter);
      if (status !== 500)
        return errorPage(c, status, status === 404 ? "Not found" : "Could not do that", error.message);
    }
    const requestId = c.get("requestId") ?? "unknown";
    console.error(
      JSON.stringify({ level: "error", requestId, path: c.req.path, name: error.name, message: error.message }),
    );
    return errorPage(
      c,
      500,
      "Something went wrong",
      `Something went wrong on our side; it has been logged (${requestId}).`,
    );
  });
  return dash;
}

/** Ends the session a token names, if it is one (re-sign-in over an old cookie). */
async function endSession(c: DashboardContext, token: string): Promise<void> {
  const old = await resolveSession(c.var.deps.db, token);
  if (old) await signOut(c.var.deps.db, old);
}
