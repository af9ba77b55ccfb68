import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { type LocalWorker, startLocalWorker } from "../../bench/local-worker.mjs";

/** Where the browser tests save a screenshot of every page they visit (kept by CI as artifacts). */
export const SCREENSHOT_DIR = join(__dirname, "..", "..", "test-artifacts", "dashboard");
/** The README's screenshots, refreshed only on request: `UPDATE_DOCS_SCREENSHOTS=1 npx vitest run --project browser`. */
export const DOCS_SCREENSHOT_DIR = join(__dirname, "..", "..", "docs", "dashboard");
const UPDATE_DOCS = process.env.UPDATE_DOCS_SCREENSHOTS === "1";

const CHROMIUM_CANDIDATES = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
].filter((path): path is string => Boolean(path));

/** The machine's Chromium (Debian's `chromium` package; `.ci/run` installs it when missing). */
export function chromiumPath(): string {
  const found = CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at ${CHROMIUM_CANDIDATES.join(", ")}): install Debian's \`chromium\` package ` +
        "(apt-get install -y chromium) or set CHROMIUM_PATH.",
    );
  }
  return found;
}

export interface Harness {
  worker: LocalWorker;
  browser: Browser;
  /** A new browser profile (its own cookies) at phone width, 375 px. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** Operator API call against the local worker. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, string> }>;
  /** The artifact screenshot (375 px, full page); for a main page (`docs`) also the README's, 1280×800, on request. */
  screenshot(page: Page, name: string, options?: { docs?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(vars: Record<string, string> = {}): Promise<Harness> {
  const worker = await startLocalWorker({ vars: { ALLOW_INSECURE_WEBHOOKS: "true", ...vars } });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
  } catch (error) {
    await worker.stop();
    throw error;
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const contexts: BrowserContext[] = [];
  return {
    worker,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 375, height: 800 }, baseURL: worker.base });
      contexts.push(context);
      return { context, page: await context.newPage() };
    },
    async admin(method, path, body) {
      const response = await fetch(`${worker.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${worker.adminToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
    async screenshot(page, name, options = {}) {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
      if (!UPDATE_DOCS || !options.docs) return;
      const viewport = page.viewportSize();
      mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.screenshot({ path: join(DOCS_SCREENSHOT_DIR, `${name}.png`) });
      if (viewport) await page.setViewportSize(viewport);
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await worker.stop();
    },
  };
}

export const PASSWORD = "a long enough password";

/** Creates an organization through the operator API and an invitation for it; returns the link. */
export async function inviteInto(harness: Harness, orgId: string, email: string, role = "owner"): Promise<string> {
  const invitation = await harness.admin("POST", `/admin/v1/organizations/${orgId}/invitations`, { email, role });
  if (invitation.status !== 201) throw new Error(`invitation: ${invitation.status} ${JSON.stringify(invitation.json)}`);
  return invitation.json.inviteUrl ?? "";
}

/** Accepts an invitation and signs in, in `page`'s browser profile. */
export async function acceptAndSignIn(page: Page, inviteUrl: string, email: string, name: string) {
  await page.goto(inviteUrl);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Accept the invitation" }).click();
  await page.waitForURL("**/dashboard/sign-in");
  await signInAs(page, email);
}

export async function signInAs(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
