import { env } from "cloudflare:workers";
import { admin, call } from "./helpers";

export const SESSION_COOKIE = "__Host-parley_session";
export const PASSWORD = "correct horse battery staple";

/** The value of a cookie a response sets, or null. */
export function setCookieValue(res: Response, name: string): string | null {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const [key, ...rest] = (pair ?? "").split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

export const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? null;

/** A browser stand-in: keeps the session cookie and sends forms (with the page's CSRF token unless told). */
export class Browser {
  token: string | null = null;

  get(path: string, init: RequestInit = {}) {
    return call(path, { ...init, headers: this.headers(init.headers), redirect: "manual" });
  }

  async post(path: string, fields: Record<string, string | string[]>, init: RequestInit = {}) {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    const res = await call(path, {
      ...init,
      method: "POST",
      headers: { ...this.headers(init.headers), "content-type": "application/x-www-form-urlencoded" },
      body,
      redirect: "manual",
    });
    const next = setCookieValue(res, SESSION_COOKIE);
    if (next !== null) this.token = next || null;
    return res;
  }

  /** The CSRF token on a page of this session. */
  async csrf(path = "/dashboard"): Promise<string> {
    const token = csrfOf(await (await this.get(path)).text());
    if (!token) throw new Error(`no CSRF token on ${path}`);
    return token;
  }

  private headers(extra: HeadersInit | undefined): Record<string, string> {
    const headers = Object.fromEntries(new Headers(extra).entries());
    if (this.token) headers.cookie = `${SESSION_COOKIE}=${this.token}`;
    return headers;
  }
}

/** Invites `email` into the organization through the operator API; returns the link's path and token. */
export async function invite(orgId: string, email: string, role: "owner" | "admin" | "agent" = "owner") {
  const res = await admin(`/admin/v1/organizations/${orgId}/invitations`, { method: "POST", json: { email, role } });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { invitationId: string; inviteUrl: string; expiresAt: string };
  const url = new URL(body.inviteUrl);
  return { ...body, path: url.pathname + url.search, token: url.searchParams.get("token") ?? "" };
}

let counter = 0;
/** A member of the organization, signed in: invited, accepted, signed in. */
export async function signedInMember(orgId: string, role: "owner" | "admin" | "agent" = "owner") {
  const email = `member-${Date.now()}-${counter++}@example.test`;
  const { token } = await invite(orgId, email, role);
  const browser = new Browser();
  const accepted = await browser.post("/dashboard/invitation", {
    token,
    name: `Member ${counter}`,
    password: PASSWORD,
  });
  if (accepted.status !== 303) throw new Error(`accept failed: ${accepted.status} ${await accepted.text()}`);
  const signedIn = await browser.post("/dashboard/sign-in", { email, password: PASSWORD });
  if (signedIn.status !== 303 || !browser.token) throw new Error(`sign-in failed: ${signedIn.status}`);
  return { browser, email };
}

export { env };
