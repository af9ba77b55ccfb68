import { describe, expect, it } from "vitest";
import { admin, call, createOrg, media, problem } from "./helpers";

describe("access links of suspended and cancelled organizations", () => {
  it("stop serving while the organization is suspended or cancelled, and serve again once it is active", async () => {
    const org = await createOrg();
    const uploaded = await org.api("/api/v1/recordings?filename=call.webm", {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: media(1000),
    });
    const { recordingId } = (await uploaded.json()) as { recordingId: string };
    const link = (await (await org.api(`/api/v1/recordings/${recordingId}/access-link`)).json()) as {
      accessLink: string;
    };
    const path = link.accessLink.replace("https://parley.test", "");
    expect((await call(path)).status).toBe(200);

    for (const [status, wording] of [
      ["suspended", /access is suspended/],
      ["cancelled", /access has ended/],
    ] as const) {
      await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status } });
      for (const method of ["GET", "HEAD"]) {
        const refused = await call(path, { method, headers: { range: "bytes=0-9" } });
        expect(refused.status, `${status} ${method}`).toBe(403);
        if (method === "GET") {
          const body = await problem(refused);
          expect(body.code).toBe("forbidden");
          expect(body.detail).toMatch(wording);
        }
      }
    }
    await admin(`/admin/v1/organizations/${org.id}`, { method: "PATCH", json: { status: "active" } });
    expect((await call(path)).status).toBe(200);
  });
});
