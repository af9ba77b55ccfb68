import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptAndSignIn, type Harness, inviteInto, signInAs, startHarness } from "./browser-harness";

// The Meetings, Recordings, Audit log and Data pages and the key-points action, in Chromium against `wrangler dev`.
let harness: Harness;
let orgId: string;
let apiKey: string;
const ownerEmail = "data-owner@example.test";
const agentEmail = "data-agent@example.test";

beforeAll(async () => {
  harness = await startHarness();
  const org = await harness.admin("POST", "/admin/v1/organizations", { name: "Data Pages Org", plan: "professional" });
  orgId = org.json.id ?? "";
  apiKey = (await harness.admin("POST", `/admin/v1/organizations/${orgId}/api-keys`, { name: "seed" })).json.key ?? "";
  const owner = await harness.newPage();
  await acceptAndSignIn(owner.page, await inviteInto(harness, orgId, ownerEmail), ownerEmail, "Dana Owner");
  await owner.page.waitForURL("**/dashboard");
  const agent = await harness.newPage();
  await acceptAndSignIn(agent.page, await inviteInto(harness, orgId, agentEmail, "agent"), agentEmail, "Ari Agent");
  await agent.page.waitForURL("**/dashboard");
});

afterAll(async () => {
  await harness?.close();
});

async function signedIn(email = ownerEmail) {
  const { page } = await harness.newPage();
  await page.goto("/dashboard/sign-in");
  await signInAs(page, email);
  await page.waitForURL("**/dashboard");
  return page;
}

function api(path: string, init: RequestInit = {}) {
  return fetch(`${harness.worker.base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${apiKey}`, ...(init.headers as Record<string, string>) },
  });
}

/** One second of a 440 Hz tone as 8 kHz mono 16-bit PCM WAV: a file Chromium really plays. */
function toneWav(seconds = 1, rate = 8000): Uint8Array {
  const samples = seconds * rate;
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string) => {
    for (let i = 0; i < value.length; i++) bytes[at + i] = value.charCodeAt(i);
  };
  text(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++)
    view.setInt16(44 + i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), true);
  return bytes;
}

async function reloadUntil(page: import("playwright-core").Page, done: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.reload();
  }
}

describe("dashboard data pages in a real browser", () => {
  it("meetings: creates a meeting from the form and lists it", async () => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Meetings" }).click();
    await page.getByLabel("Room name prefix").fill("standup");
    await page.getByLabel("Room name", { exact: true }).selectOption("human-short");
    await page.getByLabel("Recording").selectOption("cloud");
    await page.getByRole("button", { name: "Create meeting" }).click();
    const created = page.locator("#new-meeting");
    expect(await created.textContent()).toMatch(/\/standup-[a-z0-9]{6}/);
    const roomName = (await created.locator("b").textContent()) ?? "";
    expect(await page.getByRole("cell", { name: roomName }).count()).toBe(1);
    const listed = (await (await api("/api/v1/meetings")).json()) as { results: { roomName: string }[] };
    expect(listed.results.map((m) => m.roomName)).toContain(roomName);
    await harness.screenshot(page, "meetings", { docs: true });
  });

  it("recordings: plays a recording in an <audio> element from a signed link, then deletes it", async () => {
    const uploaded = await api("/api/v1/recordings?filename=tone.wav", {
      method: "POST",
      headers: { "content-type": "audio/wav" },
      body: toneWav(),
    });
    expect(uploaded.status).toBe(201);
    const { recordingId } = (await uploaded.json()) as { recordingId: string };
    const page = await signedIn();
    await page.getByRole("link", { name: "Recordings" }).click();
    await page.getByRole("link", { name: "tone.wav" }).click();
    // The browser fetched the file itself (same origin, CSP media-src 'self') and decoded its header.
    // (Polled from here: the page's CSP allows no script, so no string is evaluated in it.)
    type Media = { readyState: number; duration: number };
    const audio = page.locator("audio");
    const deadline = Date.now() + 15_000;
    while ((await audio.evaluate((el) => (el as unknown as Media).readyState)) < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const duration = await audio.evaluate((el) => (el as unknown as Media).duration);
    expect(duration).toBeCloseTo(1, 1);
    await harness.screenshot(page, "recording", { docs: true });

    const agent = await signedIn(agentEmail);
    await agent.goto(`/dashboard/recordings/${recordingId}`);
    expect(await agent.locator("audio").count()).toBe(1);
    expect(await agent.getByRole("button", { name: "Delete recording" }).count()).toBe(0);

    await page.getByRole("button", { name: "Delete recording" }).click();
    await page.waitForURL("**/dashboard/recordings");
    expect(await page.getByRole("link", { name: "tone.wav" }).count()).toBe(0);
    expect((await api(`/api/v1/recordings/${recordingId}`)).status).toBe(404);
    await harness.screenshot(page, "recordings", { docs: true });
  });

  it("audit log: the dashboard's own actions, filtered by method", async () => {
    const page = await signedIn();
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByLabel("Method").selectOption("POST");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/method=POST/);
    await reloadUntil(page, async () => (await page.getByRole("cell", { name: /\/dashboard\/meetings/ }).count()) > 0);
    expect(await page.getByRole("cell", { name: /POST \/dashboard\/meetings/ }).count()).toBe(1);
    expect(await page.getByRole("cell", { name: /DELETE/ }).count()).toBe(0);
    await harness.screenshot(page, "audit-log", { docs: true });
  });

  it("data: creates an export and downloads it; requests an erasure and sees it finish with its counts", async () => {
    const segments = [
      { speaker: "Grace Hopper", start: 0, end: 5, text: "Hello, this is Grace." },
      { speaker: "Linus", start: 5, end: 9, text: "Thanks Grace Hopper, let's start." },
    ];
    const imported = await api("/api/v1/transcriptions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ segments }),
    });
    expect(imported.status).toBe(201);
    const page = await signedIn();
    await page.getByRole("link", { name: "Data" }).click();
    await page.getByRole("button", { name: "Create an export" }).click();
    await page.waitForURL("**/dashboard/data");
    const download = page.getByRole("link", { name: /^Download exp_/ });
    await reloadUntil(page, async () => (await download.count()) > 0);
    const document = await page.request.get((await download.first().getAttribute("href")) ?? "");
    expect(document.status()).toBe(200);
    expect(((await document.json()) as { organization: { id: string } }).organization.id).toBe(orgId);

    await page.getByLabel("Identify the person by").selectOption("displayName");
    await page.getByLabel("Value").fill("Grace Hopper");
    await page.getByRole("button", { name: "Erase this person" }).click();
    await page.waitForURL(/erasure=era_/);
    const erasureId = new URL(page.url()).searchParams.get("erasure") ?? "";
    const card = page.locator(`[data-erasure="${erasureId}"]`);
    await reloadUntil(page, async () => (await card.getAttribute("data-state")) === "ready");
    expect(await card.getAttribute("data-state")).toBe("ready");
    expect(await card.getByRole("row", { name: "transcriptSegments" }).textContent()).toContain("2");
    expect(await page.content()).not.toContain("Grace Hopper");

    // The erasure deleted the earlier export (it held the person); a new one does not hold them.
    expect(await download.count()).toBe(0);
    await page.getByRole("button", { name: "Create an export" }).click();
    await page.waitForURL("**/dashboard/data");
    await reloadUntil(page, async () => (await download.count()) > 0);
    const after = await page.request.get((await download.first().getAttribute("href")) ?? "");
    expect(after.status()).toBe(200);
    expect(await after.text()).not.toContain("Grace Hopper");
    await harness.screenshot(page, "data", { docs: true });
  });

  it("transcript: Generate key points shows them on the page", async () => {
    const imported = await api("/api/v1/transcriptions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        segments: [
          { speaker: "Ada", start: 0, end: 10, text: "We decided to launch on Friday." },
          { speaker: "Bob", start: 10, end: 20, text: "Bob will write the release notes." },
        ],
      }),
    });
    const { transcriptionId } = (await imported.json()) as { transcriptionId: string };
    const page = await signedIn();
    await page.goto(`/dashboard/transcriptions/${transcriptionId}`);
    await page.getByRole("button", { name: "Generate key points" }).click();
    await page.waitForURL(`**/dashboard/transcriptions/${transcriptionId}`);
    const section = page.locator("section", { has: page.getByRole("heading", { name: /Key points/ }) });
    expect(await section.textContent()).toContain("release notes");
    expect(await page.getByRole("button", { name: "Regenerate key points" }).count()).toBe(1);
    await harness.screenshot(page, "transcription-keypoints");
  });

  it("an agent reads meetings and recordings but is refused the audit log and data pages", async () => {
    const page = await signedIn(agentEmail);
    expect(await page.getByRole("link", { name: "Audit log" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Data" }).count()).toBe(0);
    for (const path of ["/dashboard/audit-log", "/dashboard/data"]) {
      expect((await page.goto(path))?.status(), path).toBe(403);
    }
    expect((await page.goto("/dashboard/meetings"))?.status()).toBe(200);
    expect(await page.getByRole("button", { name: "Create meeting" }).count()).toBe(0);
    expect((await page.goto("/dashboard/recordings"))?.status()).toBe(200);
    await harness.screenshot(page, "agent-data-forbidden");
  });

  it("page sizes stay small (HTML per page, plus the one cached stylesheet; no JavaScript)", async () => {
    const page = await signedIn();
    const sizes: Record<string, number> = {};
    for (const path of ["/dashboard/meetings", "/dashboard/recordings", "/dashboard/audit-log", "/dashboard/data"]) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBe(200);
      sizes[path] = (await response.body()).length;
    }
    console.log(`[dashboard] page sizes (bytes, uncompressed): ${JSON.stringify(sizes)}`);
    await page.goto("/dashboard"); // after this file's activity, the overview's chart has something to show
    await harness.screenshot(page, "overview-in-use", { docs: true });
    for (const [path, bytes] of Object.entries(sizes)) expect(bytes, path).toBeLessThan(30_000);
  });
});
