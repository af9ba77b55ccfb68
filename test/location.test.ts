import { describe, expect, it } from "vitest";
import { admin, call, createMeeting, createOrg, media } from "./helpers";

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
};

/** A 201's `Location` is an absolute path whose GET (same credentials) answers the object just created. */
async function expectLocation(res: Response, path: string, get: (path: string) => Promise<Response>, id: string) {
  expect(res.status, await res.clone().text()).toBe(201);
  expect(res.headers.get("location")).toBe(path);
  const read = await get(path);
  expect(read.status, path).toBe(200);
  expect(JSON.stringify(await read.json())).toContain(`"${id}"`);
}

describe("Location on every 201", () => {
  it("meetings, webhooks and API keys", async () => {
    const org = await createOrg();
    const { res: meeting, body } = await createMeeting(org);
    await expectLocation(meeting, `/api/v1/meetings/${body.meetingId}`, org.api, body.meetingId);

    const webhook = await org.api("/api/v1/webhooks", {
      method: "POST",
      json: { url: "http://127.0.0.1:9/hook", events: ["*"] },
    });
    const { id: webhookId } = (await webhook.clone().json()) as { id: string };
    await expectLocation(webhook, `/api/v1/webhooks/${webhookId}`, org.api, webhookId);

    const key = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "second" } });
    const created = (await key.clone().json()) as { id: string; key: string };
    await expectLocation(key, `/api/v1/api-keys/${created.id}`, org.api, created.id);
    const read = (await (await org.api(`/api/v1/api-keys/${created.id}`)).json()) as Record<string, unknown>;
    expect(read).toMatchObject({ id: created.id, name: "second", prefix: created.key.slice(0, 8) });
    expect(read.key).toBeUndefined();
  });

  it("recordings: direct upload, upload creation and multipart completion", async () => {
    const org = await createOrg();
    const direct = await org.api("/api/v1/recordings", {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: media(2000),
    });
    const { recordingId } = (await direct.clone().json()) as { recordingId: string };
    await expectLocation(direct, `/api/v1/recordings/${recordingId}`, org.api, recordingId);

    const started = await org.api("/api/v1/recordings/uploads", {
      method: "POST",
      json: { filename: "big.webm", contentType: "video/webm" },
    });
    const upload = (await started.clone().json()) as { uploadId: string; recordingId: string };
    // The upload becomes this recording; until it is completed the recording reads `status: "uploading"`.
    await expectLocation(started, `/api/v1/recordings/${upload.recordingId}`, org.api, upload.recordingId);

    const part = await (
      await org.api(`/api/v1/recordings/uploads/${upload.uploadId}/parts/1`, { method: "PUT", body: media(2000) })
    ).json();
    const done = await org.api(`/api/v1/recordings/uploads/${upload.uploadId}/complete`, {
      method: "POST",
      json: { parts: [part] },
    });
    await expectLocation(done, `/api/v1/recordings/${upload.recordingId}`, org.api, upload.recordingId);
  });

  it("operator organizations and operator-issued API keys", async () => {
    const created = await admin("/admin/v1/organizations", { method: "POST", json: { name: "Loc", plan: "starter" } });
    const { id: orgId } = (await created.clone().json()) as { id: string };
    await expectLocation(created, `/admin/v1/organizations/${orgId}`, admin, orgId);

    const key = await admin(`/admin/v1/organizations/${orgId}/api-keys`, { method: "POST", json: { name: "first" } });
    const { id: keyId } = (await key.clone().json()) as { id: string };
    await expectLocation(key, `/admin/v1/organizations/${orgId}/api-keys/${keyId}`, admin, keyId);
    const other = await createOrg();
    expect((await admin(`/admin/v1/organizations/${other.id}/api-keys/${keyId}`)).status).toBe(404);
  });

  it("is replayed with an idempotent replay", async () => {
    const org = await createOrg();
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await createMeeting(org, {}, headers);
    const again = await createMeeting(org, { endDate: first.body.endDate }, headers);
    expect(again.res.headers.get("idempotent-replayed")).toBe("true");
    expect(again.res.headers.get("location")).toBe(`/api/v1/meetings/${first.body.meetingId}`);
  });

  it("is declared on every 201 of the OpenAPI document", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as Doc;
    const created = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.responses["201"])
        .map(([method, op]) => ({
          where: `${method} ${path}`,
          headers: Object.keys(op.responses["201"]?.headers ?? {}),
        })),
    );
    expect(created.length).toBeGreaterThanOrEqual(8);
    for (const { where, headers } of created) expect(headers, where).toContain("Location");
  });
});
