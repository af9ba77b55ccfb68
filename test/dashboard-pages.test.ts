import { describe, expect, it, vi } from "vitest";
import { env, signedInMember } from "./dashboard-helpers";
import { createOrg, withKey } from "./helpers";
import { importSegments, seg } from "./transcription-helpers";

// Every member signs in with bcrypt (cost 11): a few of those per test need more than the default 5 s under load.
vi.setConfig({ testTimeout: 30_000 });

const memberIdsOf = async (orgId: string) =>
  (
    await env.DB.prepare("SELECT id, role, email FROM members WHERE org_id = ? ORDER BY created_at").bind(orgId).all<{
      id: string;
      role: string;
      email: string;
    }>()
  ).results;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("roles", () => {
  it("agents are refused the keys, webhooks and members pages and their forms, server-side", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id, "agent");
    for (const path of ["/dashboard/api-keys", "/dashboard/webhooks", "/dashboard/members"]) {
      expect((await browser.get(path)).status, path).toBe(403);
    }
    const csrf = await browser.csrf();
    const res = await browser.post("/dashboard/api-keys", { name: "sneaky", scopes: "admin", _csrf: csrf });
    expect(res.status).toBe(403);
    const keys = (await (await org.api("/api/v1/api-keys")).json()) as { results: unknown[] };
    expect(keys.results.length).toBe(1);
    const overview = await (await browser.get("/dashboard")).text();
    expect(overview).not.toContain('href="/dashboard/api-keys"');
  });

  it("admins invite admins and agents but not owners, and cannot change roles or remove", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id, "admin");
    const csrf = await browser.csrf();
    const owner = await browser.post("/dashboard/members/invite", {
      email: "o@example.test",
      role: "owner",
      _csrf: csrf,
    });
    expect(owner.status).toBe(403);
    const agent = await browser.post("/dashboard/members/invite", {
      email: "a@example.test",
      role: "agent",
      _csrf: csrf,
    });
    expect(agent.status).toBe(200);
    const html = await agent.text();
    const link = html.match(/id="invite-url">([^<]+)</)?.[1] ?? "";
    expect(link).toContain("/dashboard/invitation?token=");
    const [self] = await memberIdsOf(org.id);
    expect((await browser.post(`/dashboard/members/${self?.id}/role`, { role: "owner", _csrf: csrf })).status).toBe(
      403,
    );
    expect((await browser.post(`/dashboard/members/${self?.id}/remove`, { _csrf: csrf })).status).toBe(403);
  });

  it("keeps at least one owner, and removing a member ends their sessions at once", async () => {
    const org = await createOrg();
    const owner = await signedInMember(org.id, "owner");
    const csrf = await owner.browser.csrf();
    const [ownerRow] = await memberIdsOf(org.id);
    const demote = await owner.browser.post(`/dashboard/members/${ownerRow?.id}/role`, { role: "agent", _csrf: csrf });
    expect(demote.status).toBe(409);
    const removeSelf = await owner.browser.post(`/dashboard/members/${ownerRow?.id}/remove`, { _csrf: csrf });
    expect(removeSelf.status).toBe(409);
    expect((await memberIdsOf(org.id))[0]?.role).toBe("owner");

    const admin = await signedInMember(org.id, "admin");
    expect((await admin.browser.get("/dashboard")).status).toBe(200);
    const adminRow = (await memberIdsOf(org.id)).find((m) => m.email === admin.email);
    const promoted = await owner.browser.post(`/dashboard/members/${adminRow?.id}/role`, {
      role: "owner",
      _csrf: csrf,
    });
    expect(promoted.status).toBe(303);
    // Now there are two owners: the first may step down, and the new owner may remove them.
    expect(
      (await owner.browser.post(`/dashboard/members/${ownerRow?.id}/role`, { role: "admin", _csrf: csrf })).status,
    ).toBe(303);
    const removed = await admin.browser.post(`/dashboard/members/${ownerRow?.id}/remove`, {
      _csrf: await admin.browser.csrf(),
    });
    expect(removed.status).toBe(303);
    expect((await owner.browser.get("/dashboard")).status).toBe(303);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM dashboard_sessions WHERE member_id = ?")
      .bind(ownerRow?.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});

describe("webhooks page", () => {
  it("creates an endpoint (secret shown once), sends a test that the receiver gets and the log shows, redelivers", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id, "admin");
    const name = crypto.randomUUID();
    const url = `${env.TEST_RECEIVER_URL}/hooks/${name}`;
    const created = await browser.post("/dashboard/webhooks", {
      url,
      events: ["meeting.created", "webhook.test"],
      description: "from the dashboard",
      _csrf: await browser.csrf(),
    });
    expect(created.status).toBe(200);
    const html = await created.text();
    const secret = html.match(/id="webhook-secret">([^<]+)</)?.[1] ?? "";
    expect(secret).toMatch(/^whsec_/);
    const list = (await (await org.api("/api/v1/webhooks")).json()) as { results: { id: string; events: string[] }[] };
    expect(list.results[0]?.events).toEqual(["meeting.created", "webhook.test"]);
    const webhookId = list.results[0]?.id;
    const page = await (await browser.get(`/dashboard/webhooks/${webhookId}`)).text();
    expect(page).not.toContain(secret);

    const csrf = await browser.csrf();
    const test = await browser.post(`/dashboard/webhooks/${webhookId}/test`, { _csrf: csrf });
    expect(test.status).toBe(303);
    const received = await until(
      async () => (await (await fetch(`${env.TEST_RECEIVER_URL}/__deliveries/${name}`)).json()) as unknown[],
      (r) => r.length >= 1,
    );
    expect(received.length).toBe(1);
    const logged = await until(
      async () => (await browser.get(`/dashboard/webhooks/${webhookId}`)).text(),
      (text) => text.includes("succeeded"),
    );
    expect(logged).toContain("webhook.test");
    expect(logged).toContain("succeeded");
    const eventId = logged.match(/<code>(evt_[A-Za-z0-9]+)<\/code>/)?.[1] ?? "";
    const again = await browser.post(`/dashboard/webhooks/${webhookId}/redeliver`, { eventId, _csrf: csrf });
    expect(again.status).toBe(303);
    const twice = await until(
      async () => (await (await fetch(`${env.TEST_RECEIVER_URL}/__deliveries/${name}`)).json()) as unknown[],
      (r) => r.length >= 2,
    );
    expect(twice.length).toBe(2);

    const rotated = await browser.post(`/dashboard/webhooks/${webhookId}/rotate`, { _csrf: csrf });
    const newSecret = (await rotated.text()).match(/id="webhook-secret">([^<]+)</)?.[1] ?? "";
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);

    const edited = await browser.post(`/dashboard/webhooks/${webhookId}`, {
      url,
      events: "*",
      description: "",
      status: "disabled",
      _csrf: csrf,
    });
    expect(edited.status).toBe(303);
    const after = (await (await org.api(`/api/v1/webhooks/${webhookId}`)).json()) as {
      events: string[];
      status: string;
    };
    expect(after).toMatchObject({ events: ["*"], status: "disabled" });
    expect((await browser.post(`/dashboard/webhooks/${webhookId}/delete`, { _csrf: csrf })).status).toBe(303);
    expect((await org.api(`/api/v1/webhooks/${webhookId}`)).status).toBe(404);
  }, 60_000);

  it("shows the URL rules' refusal on the page, and another organization's endpoint is a 404", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const foreign = (await (
      await other.api("/api/v1/webhooks", {
        method: "POST",
        json: { url: `${env.TEST_RECEIVER_URL}/hooks/x`, events: ["*"] },
      })
    ).json()) as { id: string };
    const { browser } = await signedInMember(org.id, "owner");
    const bad = await browser.post("/dashboard/webhooks", { url: "http://10.0.0.1/hook", _csrf: await browser.csrf() });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("not allowed");
    expect((await browser.get(`/dashboard/webhooks/${foreign.id}`)).status).toBe(404);
    const forged = await browser.post(`/dashboard/webhooks/${foreign.id}/delete`, { _csrf: await browser.csrf() });
    expect(forged.status).toBe(404);
    expect((await other.api(`/api/v1/webhooks/${foreign.id}`)).status).toBe(200);
  });
});

describe("API keys page", () => {
  it("creates a key with chosen scopes (shown once) that the API accepts, and revocation makes it 401", async () => {
    const org = await createOrg();
    const { browser } = await signedInMember(org.id, "owner");
    const res = await browser.post("/dashboard/api-keys", {
      name: "reader",
      scopes: ["read"],
      _csrf: await browser.csrf(),
    });
    const key = (await res.text()).match(/id="new-key">([^<]+)</)?.[1]?.trim() ?? "";
    expect(key).toMatch(/^prl_/);
    const api = withKey(key);
    expect((await api("/api/v1/organization")).status).toBe(200);
    expect((await api("/api/v1/api-keys")).status).toBe(403); // read only: no admin scope
    const page = await (await browser.get("/dashboard/api-keys")).text();
    expect(page).not.toContain(key);
    const listed = (await (await org.api("/api/v1/api-keys")).json()) as { results: { id: string; name: string }[] };
    const reader = listed.results.find((k) => k.name === "reader");
    expect(page).toContain(`/dashboard/api-keys/${reader?.id}/revoke`);
    const revoked = await browser.post(`/dashboard/api-keys/${reader?.id}/revoke`, { _csrf: await browser.csrf() });
    expect(revoked.status).toBe(303);
    expect((await api("/api/v1/organization")).status).toBe(401);

    // Both actions are in the audit log with the member as actor (SPEC §11), written after the response.
    const members = await memberIdsOf(org.id);
    type Entry = {
      memberId: string | null;
      keyId: string | null;
      actorType: string;
      route: string;
      objectId: string | null;
      status: number;
    };
    const log = await until(
      async () => ((await (await org.api("/api/v1/audit-log?limit=100")).json()) as { results: Entry[] }).results,
      (entries) => entries.filter((e) => e.actorType === "dashboard").length >= 2,
    );
    const byMember = log.filter((e) => e.actorType === "dashboard");
    expect(byMember.map((e) => [e.route, e.objectId, e.status, e.keyId, e.memberId])).toEqual([
      ["/dashboard/api-keys/{keyId}/revoke", reader?.id, 200, null, members[0]?.id],
      ["/dashboard/api-keys", reader?.id, 200, null, members[0]?.id],
    ]);
  });
});

describe("transcriptions page", () => {
  it("shows the transcript with speakers and times, cached key points and talk time; renames speakers; agents read", async () => {
    const org = await createOrg();
    const imported = await importSegments(org, [
      seg("spk_0", 0, 30, "Welcome everyone, let's review the launch plan."),
      seg("spk_1", 30, 75, "We decided to ship on Friday. Bob will write the release notes."),
      seg("spk_0", 75, 95, "Great, thanks."),
    ]);
    const id = imported.transcriptionId;
    expect((await org.api(`/api/v1/transcriptions/${id}/keypoints`, { method: "POST", json: {} })).status).toBe(201);
    const { browser } = await signedInMember(org.id, "admin");
    const list = await (await browser.get("/dashboard/transcriptions")).text();
    expect(list).toContain(`/dashboard/transcriptions/${id}`);
    const page = await (await browser.get(`/dashboard/transcriptions/${id}`)).text();
    expect(page).toContain("<time>00:30</time><b>spk_1</b>: We decided to ship on Friday.");
    expect(page).toContain("Key points");
    expect(page).toContain("Action items");
    expect(page).toMatch(/spk_1 \d+(\.\d)?%/);
    const renamed = await browser.post(`/dashboard/transcriptions/${id}/speakers`, {
      "label:spk_0": "Ada",
      "label:spk_1": "Bob",
      _csrf: await browser.csrf(),
    });
    expect(renamed.status).toBe(303);
    const api = (await (await org.api(`/api/v1/transcriptions/${id}`)).json()) as { speakers: string[] };
    expect(api.speakers).toEqual(["Ada", "Bob"]);
    const agent = await signedInMember(org.id, "agent");
    const seen = await (await agent.browser.get(`/dashboard/transcriptions/${id}`)).text();
    expect(seen).toContain("<b>Bob</b>: We decided");
    expect(seen).not.toContain("Rename speakers");
    const refused = await agent.browser.post(`/dashboard/transcriptions/${id}/speakers`, {
      "label:spk_0": "Eve",
      _csrf: await agent.browser.csrf(),
    });
    expect(refused.status).toBe(403);
    const other = await createOrg();
    const { browser: outsider } = await signedInMember(other.id, "owner");
    expect((await outsider.get(`/dashboard/transcriptions/${id}`)).status).toBe(404);
  });
});
