import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../src/db/client";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, signIn } from "../src/services/dashboard-sessions";
import { orgGate } from "../src/services/org-gate";
import {
  Browser,
  csrfOf,
  env,
  invite,
  PASSWORD,
  SESSION_COOKIE,
  setCookieValue,
  signedInMember,
} from "./dashboard-helpers";
import { admin, createOrg, problem } from "./helpers";

// Every member signs in with bcrypt (cost 11): a few of those per test need more than the default 5 s under load.
vi.setConfig({ testTimeout: 30_000 });

describe("invitations (operator API)", () => {
  it("creates a single-use, 7-day invitation whose link opens the acceptance page", async () => {
    const org = await createOrg();
    const before = Date.now();
    const created = await invite(org.id, "Ada@Example.test");
    expect(created.invitationId).toMatch(/^inv_/);
    expect(Date.parse(created.expiresAt) - before).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(Date.parse(created.expiresAt) - before).toBeLessThanOrEqual(7 * 86_400_000 + 5000);
    const page = await new Browser().get(created.path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("ada@example.test");
    expect(html).toContain('<label for="password">');

    const browser = new Browser();
    const accepted = await browser.post("/dashboard/invitation", {
      token: created.token,
      name: "Ada",
      password: PASSWORD,
    });
    expect(accepted.status).toBe(303);
    const again = await browser.post("/dashboard/invitation", {
      token: created.token,
      name: "Eve",
      password: PASSWORD,
    });
    expect(again.status).toBe(404);
    expect((await new Browser().get(created.path)).status).toBe(404);
  });

  it("refuses bad bodies, unknown organizations and emails that are already members", async () => {
    const org = await createOrg();
    const bad = await admin(`/admin/v1/organizations/${org.id}/invitations`, {
      method: "POST",
      json: { email: "not-an-email", role: "boss" },
    });
    expect(bad.status).toBe(400);
    expect(((await problem(bad)).errors as unknown[]).length).toBe(2);
    const unknown = await admin("/admin/v1/organizations/org_doesnotexist000000000000/invitations", {
      method: "POST",
      json: { email: "x@example.test", role: "owner" },
    });
    expect(unknown.status).toBe(404);
    const { email } = await signedInMember(org.id);
    const taken = await admin(`/admin/v1/organizations/${org.id}/invitations`, {
      method: "POST",
      json: { email, role: "agent" },
    });
    expect(taken.status).toBe(409);
    const noAdmin = await new Browser().get("/dashboard");
    expect(noAdmin.status).toBe(303);
  });

  it("rejects passwords shorter than 12 or longer than 128 characters", async () => {
    const org = await createOrg();
    const { token } = await invite(org.id, `short-${Date.now()}@example.test`);
    const browser = new Browser();
    for (const password of ["elevenchars", "x".repeat(129)]) {
      const res = await browser.post("/dashboard/invitation", { token, name: "Bo", password });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("12–128 characters");
    }
    expect((await browser.post("/dashboard/invitation", { token, name: "Bo", password: "twelve chars" })).status).toBe(
      303,
    );
  });
});

describe("sessions", () => {
  it("sets __Host-parley_session HttpOnly, SameSite=Lax, Path=/, Secure on https; stores only the token's hash", async () => {
    const org = await createOrg();
    const email = `cookie-${Date.now()}@example.test`;
    const { token } = await invite(org.id, email);
    const browser = new Browser();
    await browser.post("/dashboard/invitation", { token, name: "Cy", password: PASSWORD });
    const res = await browser.post("/dashboard/sign-in", { email, password: PASSWORD });
    expect(res.status).toBe(303);
    const line = res.headers.getSetCookie().find((l) => l.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/Secure/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Domain=/);
    const stored = await env.DB.prepare("SELECT token_hash FROM dashboard_sessions WHERE org_id = ?")
      .bind(org.id)
      .all();
    expect(stored.results.length).toBe(1);
    expect(JSON.stringify(stored.results)).not.toContain(browser.token);
    expect((await browser.get("/dashboard")).status).toBe(200);
  });

  it("issues a new token at every sign-in; a token planted before sign-in is never made valid (fixation)", async () => {
    const org = await createOrg();
    const { browser, email } = await signedInMember(org.id);
    const first = browser.token;
    const planted = "attacker-chosen-token-0123456789";
    const attacker = new Browser();
    attacker.token = planted;
    const res = await attacker.post("/dashboard/sign-in", { email, password: PASSWORD });
    expect(res.status).toBe(303);
    expect(attacker.token).not.toBe(planted);
    expect(attacker.token).not.toBe(first);
    const victim = new Browser();
    victim.token = planted;
    expect((await victim.get("/dashboard")).status).toBe(303);
    // Signing in again over a live session ends that session.
    const second = new Browser();
    second.token = first;
    const again = await second.post("/dashboard/sign-in", { email, password: PASSWORD });
    expect(again.status).toBe(303);
    const old = new Browser();
    old.token = first;
    expect((await old.get("/dashboard")).status).toBe(303);
    expect((await second.get("/dashboard")).status).toBe(200);
  });

  it("expires after 12 hours idle and 7 days in all", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id);
    const db = env.DB;
    await db
      .prepare("UPDATE dashboard_sessions SET last_seen_at = ? WHERE org_id = ?")
      .bind(Date.now() - SESSION_IDLE_MS - 1000, org.id)
      .run();
    expect((await browser.get("/dashboard")).status).toBe(303);

    const other = await signedInMember(org.id);
    // Active all along (seen a minute ago) but created more than 7 days ago.
    await db
      .prepare("UPDATE dashboard_sessions SET last_seen_at = ?, expires_at = ? WHERE org_id = ?")
      .bind(Date.now() - 60_000, Date.now() - 1000, org.id)
      .run();
    expect((await other.browser.get("/dashboard")).status).toBe(303);
    expect(SESSION_ABSOLUTE_MS).toBe(7 * 86_400_000);
  });

  it("refreshes the idle clock on use, so an active session outlives 12 hours", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id);
    const elevenHoursAgo = Date.now() - 11 * 3_600_000;
    await env.DB.prepare("UPDATE dashboard_sessions SET last_seen_at = ? WHERE org_id = ?")
      .bind(elevenHoursAgo, org.id)
      .run();
    expect((await browser.get("/dashboard")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the refresh is written after the response
    const row = await env.DB.prepare("SELECT last_seen_at FROM dashboard_sessions WHERE org_id = ?")
      .bind(org.id)
      .first<{ last_seen_at: number }>();
    expect(row?.last_seen_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("sign-out revokes the session at once", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id);
    const token = browser.token;
    const res = await browser.post("/dashboard/sign-out", { _csrf: await browser.csrf() });
    expect(res.status).toBe(303);
    expect(setCookieValue(res, SESSION_COOKIE)).toBe("");
    const replay = new Browser();
    replay.token = token;
    expect((await replay.get("/dashboard")).status).toBe(303);
  });
});

describe("CSRF", () => {
  it("refuses a state-changing form without, or with a wrong or another session's, token (403 page)", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id);
    const other = await signedInMember(org.id);
    const otherToken = await other.browser.csrf();
    const forms: Record<string, string>[] = [
      { name: "k" },
      { name: "k", _csrf: "wrong" },
      { name: "k", _csrf: otherToken },
    ];
    for (const fields of forms) {
      const res = await browser.post("/dashboard/api-keys", { ...fields, scopes: "read" });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
    }
    const keys = await org.api("/api/v1/api-keys");
    expect(((await keys.json()) as { results: unknown[] }).results.length).toBe(1);
    const ok = await browser.post("/dashboard/api-keys", { name: "k", scopes: "read", _csrf: await browser.csrf() });
    expect(ok.status).toBe(200);
  });

  it("refuses a form posted from another origin even with a valid token", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id);
    const res = await browser.post(
      "/dashboard/api-keys",
      { name: "k", scopes: "read", _csrf: await browser.csrf() },
      { headers: { origin: "https://evil.example" } },
    );
    expect(res.status).toBe(403);
  });

  it("is bound to the session: each session's pages carry their own token", async () => {
    const org = await createOrg();
    const a = await signedInMember(org.id);
    const b = await signedInMember(org.id);
    expect(csrfOf(await (await a.browser.get("/dashboard")).text())).not.toBe(await b.browser.csrf());
  });
});

describe("sign-in throttling", () => {
  it("refuses further attempts for 15 minutes after 5 failures, the same way for unknown accounts", async () => {
    const org = await createOrg();
    const { email } = await signedInMember(org.id);
    const unknown = `nobody-${Date.now()}@example.test`;
    const answers: Record<string, number[]> = {};
    for (const account of [email, unknown]) {
      const browser = new Browser();
      answers[account] = [];
      for (let i = 0; i < 6; i++) {
        answers[account].push(
          (await browser.post("/dashboard/sign-in", { email: account, password: "wrong password!" })).status,
        );
      }
    }
    expect(answers[email]).toEqual([401, 401, 401, 401, 401, 429]);
    expect(answers[unknown]).toEqual([401, 401, 401, 401, 401, 429]);
    // Locked: even the right password is refused, with the same page.
    const locked = await new Browser().post("/dashboard/sign-in", { email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    // Fifteen minutes later it signs in.
    const later = await signIn(createDb(env.DB), email, PASSWORD, Date.now() + 15 * 60_000 + 1000);
    expect(later.outcome).toBe("signed_in");
  }, 60_000);
});

describe("overview", () => {
  it("shows plan, points and a chart of requests per day counted by the organization's Durable Object", async () => {
    const org = await createOrg();
    for (let i = 0; i < 3; i++) await org.api("/api/v1/organization");
    const { browser } = await signedInMember(org.id);
    const html = await (await browser.get("/dashboard")).text();
    expect(html).toContain("professional");
    expect(html).toContain("<svg");
    expect(html).toMatch(/Requests \(3\)/);
    // The counts are written by the object's alarm; after it they are the same.
    await runInDurableObject(orgGate(env, org.id), async (gate) => {
      await gate.alarm();
    });
    const after = await (await browser.get("/dashboard")).text();
    expect(after).toMatch(/Requests \(3\)/);
  });
});
