import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "../../scripts/webhook-receiver.mjs";
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
    await harness.screenshot(page, "api-keys", { docs: true });

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

  it("creates a webhook, sends a test event and shows its delivery in the log", async () => {
    const receiver = await startReceiver();
    try {
      const page = await ownerPage();
      await signInAs(page, ownerEmail);
      await page.waitForURL("**/dashboard");
      await page.getByRole("link", { name: "Webhooks" }).click();
      const url = `${receiver.url}/hooks/browser`;
      await page.getByLabel("URL (https)").fill(url);
      await page.getByLabel("Description").fill("browser test");
      await page.getByRole("button", { name: "Add endpoint" }).click();
      expect((await page.locator("#webhook-secret").textContent())?.trim()).toMatch(/^whsec_/);
      await harness.screenshot(page, "webhooks");
      await page.getByRole("link", { name: url }).click();
      await page.getByRole("button", { name: "Send test event" }).click();
      const deadline = Date.now() + 30_000;
      while (!(await page.locator("#deliveries").textContent())?.includes("succeeded") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        await page.reload();
      }
      expect(await page.locator("#deliveries").textContent()).toContain("succeeded");
      expect(await page.locator("#deliveries").textContent()).toContain("webhook.test");
      expect(receiver.deliveries.get("browser")?.length).toBe(1);
      await harness.screenshot(page, "webhook-deliveries", { docs: true });
    } finally {
      await receiver.close();
    }
  });

  it("shows a transcript with its summary and talk time", async () => {
    const created = await harness.admin("POST", `/admin/v1/organizations/${orgId}/api-keys`, { name: "transcripts" });
    const api = (path: string, body: unknown) =>
      fetch(`${harness.worker.base}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${created.json.key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, string> }));
    const segments = [
      { speaker: "Ada", start: 0, end: 20, text: "Welcome, let's plan the launch." },
      { speaker: "Bob", start: 20, end: 50, text: "We decided to launch on Friday. I will write the release notes." },
      { speaker: "Ada", start: 50, end: 60, text: "Great. Action item: Ada books the room." },
    ];
    const transcription = await api("/api/v1/transcriptions", { segments });
    expect(transcription.status).toBe(201);
    const id = transcription.json.transcriptionId;
    expect((await api("/api/v1/summaries", { transcriptionId: id })).status).toBe(201);
    const page = await ownerPage();
    await signInAs(page, ownerEmail);
    await page.waitForURL("**/dashboard");
    await page.getByRole("link", { name: "Transcriptions" }).click();
    await page.getByRole("link", { name: id }).click();
    const deadline = Date.now() + 30_000;
    while ((await page.getByRole("heading", { name: "Summary" }).count()) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await page.reload();
    }
    const summary = page.locator("section", { has: page.getByRole("heading", { name: "Summary" }) });
    expect(await summary.textContent()).toMatch(/Friday/);
    expect(await page.locator("#transcript").textContent()).toContain("Bob: We decided to launch on Friday.");
    expect(await page.getByRole("img", { name: /Talk time: .*Bob/ }).count()).toBe(1);
    await harness.screenshot(page, "transcription", { docs: true });
  });

  it("members page: an owner sees everyone and can invite; page sizes stay small", async () => {
    const page = await ownerPage();
    await signInAs(page, ownerEmail);
    await page.waitForURL("**/dashboard");
    await page.getByRole("link", { name: "Members" }).click();
    expect(await page.getByRole("cell", { name: "agent@example.test" }).count()).toBe(1);
    await page.getByLabel("Email").fill("new@example.test");
    await page.getByRole("button", { name: "Create invitation link" }).click();
    expect(await page.locator("#invite-url").textContent()).toContain("/dashboard/invitation?token=");
    await harness.screenshot(page, "members", { docs: true });

    // Bytes a browser loads per page: the HTML, plus the one stylesheet (cached after the first page); no JS.
    const sizes: Record<string, number> = {};
    for (const path of [
      "/dashboard",
      "/dashboard/api-keys",
      "/dashboard/webhooks",
      "/dashboard/members",
      "/dashboard/transcriptions",
      "/dashboard/sign-in",
    ]) {
      const response = await page.request.get(path);
      sizes[path] = (await response.body()).length;
    }
    const html = await page.request.get("/dashboard");
    const css = (await html.text()).match(/href="(\/dashboard\/assets\/[^"]+\.css)"/)?.[1] ?? "";
    sizes[css] = (await (await page.request.get(css)).body()).length;
    console.log(`[dashboard] page sizes (bytes, uncompressed): ${JSON.stringify(sizes)}`);
    for (const [path, bytes] of Object.entries(sizes)) expect(bytes, path).toBeLessThan(30_000);
  });
});
