import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptAndSignIn, type Harness, inviteInto, signInAs, startHarness } from "./browser-harness";

// One local worker (wrangler dev on a free port, its own temporary state) and one Chromium for the whole file.
let harness: Harness;
let orgId: string;
const ownerEmail = "owner@example.test";

beforeAll(async () => {
  harness = await startHarness();
  const org = await harness.admin("POST", "/admin/v1/organizations", {
    name: "Browser Test Org",
    plan: "professional",
  });
  orgId = org.json.id ?? "";
});

afterAll(async () => {
  await harness?.close();
});

async function ownerPage() {
  const { page } = await harness.newPage();
  await page.goto("/dashboard/sign-in");
  return page;
}

describe("dashboard in a real browser", () => {
  it("invitation → sign-in → create a key → use it → revoke → the API answers 401", async () => {
    const { page } = await harness.newPage();
    const inviteUrl = await inviteInto(harness, orgId, ownerEmail);
    await page.goto(inviteUrl);
    await harness.screenshot(page, "invitation");
    await acceptAndSignIn(page, inviteUrl, ownerEmail, "Olive Owner");
    await page.waitForURL("**/dashboard");
    await expect(page.getByRole("heading", { name: "Overview" }).isVisible()).resolves.toBe(true);
    await harness.screenshot(page, "overview");

    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === "__Host-parley_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");

    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByLabel("Name").fill("browser-key");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.locator("#new-key").textContent())?.trim() ?? "";
    expect(key).toMatch(/^prl_/);
    await harness.screenshot(page, "api-keys");

    const use = () =>
      fetch(`${harness.worker.base}/api/v1/organization`, { headers: { authorization: `Bearer ${key}` } });
    expect((await use()).status).toBe(200);
    await page.getByRole("button", { name: "Revoke browser-key" }).click();
    await page.waitForURL("**/dashboard/api-keys");
    expect(await page.locator("#new-key").count()).toBe(0);
    expect((await use()).status).toBe(401);
  });

  it("an agent cannot open the keys or members pages (refused server-side, not just hidden)", async () => {
    const { page } = await harness.newPage();
    const email = "agent@example.test";
    await acceptAndSignIn(page, await inviteInto(harness, orgId, email, "agent"), email, "Andy Agent");
    await page.waitForURL("**/dashboard");
    expect(await page.getByRole("link", { name: "API keys" }).count()).toBe(0);
    for (const path of ["/dashboard/api-keys", "/dashboard/members", "/dashboard/webhooks"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(403);
    }
    await harness.screenshot(page, "agent-forbidden");
  });

  it("refuses a forged form from another site (no CSRF token) with a 403 page", async () => {
    const page = await ownerPage();
    await signInAs(page, ownerEmail);
    await page.waitForURL("**/dashboard");
    // Another origin on the same machine (same site, so the Lax cookie is even sent) hosting an auto-submitted form.
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        `<form id="f" method="post" action="${harness.worker.base}/dashboard/api-keys">` +
          `<input name="name" value="forged"><input name="scopes" value="admin"></form>` +
          `<script>document.getElementById("f").submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    try {
      const response = page.waitForResponse(
        (r) => r.url().endsWith("/dashboard/api-keys") && r.request().method() === "POST",
      );
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      expect((await response).status()).toBe(403);
      await page.waitForLoadState();
      await harness.screenshot(page, "forged-form-refused");
    } finally {
      attacker.close();
    }
    await page.goto("/dashboard/api-keys");
    expect(await page.getByText("forged").count()).toBe(0);
  });

  it("throttles sign-in after 5 failures with a 429 page", async () => {
    const { page } = await harness.newPage();
    const statuses: number[] = [];
    page.on("response", (r) => {
      if (r.url().endsWith("/dashboard/sign-in") && r.request().method() === "POST") statuses.push(r.status());
    });
    await page.goto("/dashboard/sign-in");
    for (let i = 0; i < 6; i++) {
      await signInAs(page, "victim@example.test", "not the password");
      await page.waitForLoadState();
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await page.getByText("Too many failed attempts").isVisible()).toBe(true);
    await harness.screenshot(page, "sign-in-throttled");
  });
});
