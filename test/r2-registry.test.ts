import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { orgR2Prefixes } from "../src/db/tenants";
import { media } from "./helpers";
import { populatedOrg } from "./tenant-data";

// Its own file: storage is isolated per test file, so the whole bucket holds only what this file made.
describe("R2 keys and the tenant registry", () => {
  it("stores every object an upload makes under its organization's registered prefixes", async () => {
    const a = await populatedOrg();
    const b = await populatedOrg();
    const parts = await b.api("/api/v1/recordings/uploads", {
      method: "POST",
      json: { filename: "multi.webm", contentType: "video/webm" },
    });
    const { uploadId } = (await parts.json()) as { uploadId: string };
    const part = await b.api(`/api/v1/recordings/uploads/${uploadId}/parts/1`, { method: "PUT", body: media(1024) });
    const { etag } = (await part.json()) as { etag: string };
    const done = await b.api(`/api/v1/recordings/uploads/${uploadId}/complete`, {
      method: "POST",
      json: { parts: [{ partNumber: 1, etag }] },
    });
    expect(done.status).toBe(201);

    const prefixes = [a, b].flatMap((org) => orgR2Prefixes(org.id));
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await env.RECORDINGS.list({ cursor, limit: 1000 });
      keys.push(...page.objects.map((o) => o.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    // Two direct recordings, two logos and a multipart recording, besides the probes put under each prefix.
    expect(keys.filter((key) => !key.endsWith("/probe")).length).toBeGreaterThanOrEqual(5);
    expect(keys.filter((key) => !prefixes.some((prefix) => key.startsWith(prefix)))).toEqual([]);
  }, 30_000);
});
