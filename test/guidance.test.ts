import { describe, expect, it } from "vitest";
import { call, createOrg, inHours, media, problem } from "./helpers";

type Problem = Record<string, unknown> & { detail: string; errors?: { location: string; message: string }[] };
const read = async (res: Response) => (await problem(res)) as Problem;
const endDate = () => JSON.stringify({ endDate: inHours(2) });

describe("415 says what to send", () => {
  it("a JSON body without Content-Type is told to send application/json", async () => {
    const org = await createOrg();
    // Bytes, not a string: fetch would label a string body text/plain.
    const res = await org.api("/api/v1/meetings", { method: "POST", body: new TextEncoder().encode(endDate()) });
    expect(res.status).toBe(415);
    const body = await read(res);
    expect(body.code).toBe("unsupported_media_type");
    expect(body.detail).toContain("Content-Type: application/json");
    expect(body.detail).toMatch(/no Content-Type/i);
  });

  it("curl -d's form encoding is named, with the fix", async () => {
    const org = await createOrg();
    const res = await org.api("/api/v1/meetings", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: endDate(),
    });
    expect(res.status).toBe(415);
    const { detail } = await read(res);
    expect(detail).toContain("application/x-www-form-urlencoded");
    expect(detail).toContain("Content-Type: application/json");
    expect(detail).toContain("curl");
  });

  it("a route with several types lists them all", async () => {
    const org = await createOrg();
    const res = await org.api("/api/v1/rooms/anything/theme/logo", {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(res.status).toBe(415);
    const { detail } = await read(res);
    expect(detail).toContain("text/plain");
    expect(detail).toContain("multipart/form-data");
    expect(detail).toContain("application/json");
  });

  it("a form upload to the raw-body recordings route explains the raw body and points at multipart uploads", async () => {
    const org = await createOrg();
    const form = new FormData();
    form.set("file", new File([media(2000)], "call.webm", { type: "video/webm" }));
    const res = await org.api("/api/v1/recordings?filename=call.webm", { method: "POST", body: form });
    expect(res.status).toBe(415);
    const { detail } = await read(res);
    expect(detail).toContain("multipart/form-data");
    expect(detail).toMatch(/raw file as the body/);
    expect(detail).toContain("video/webm");
    expect(detail).toContain("/api/v1/recordings/uploads");
  });

  it("a raw upload without Content-Type or with another type names the accepted audio/video types", async () => {
    const org = await createOrg();
    const none = await read(await org.api("/api/v1/recordings", { method: "POST", body: media(2000) }));
    expect(none.detail).toMatch(/no Content-Type/i);
    expect(none.detail).toMatch(/audio\/\*.*video\/\*/);
    const text = await read(
      await org.api("/api/v1/recordings", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }),
    );
    expect(text.detail).toContain("text/plain");
    expect(text.detail).toMatch(/audio\/\*.*video\/\*/);
  });
});

describe("validation messages guide instead of leaking zod's wording", () => {
  it("a download link without its token says how to get one", async () => {
    const res = await call("/files/recordings/rec_123");
    expect(res.status).toBe(400);
    const body = await read(res);
    expect(body.code).toBe("validation_error");
    expect(body.detail).toContain("token");
    expect(body.detail).toContain("/api/v1/recordings/rec_123/access-link");
    expect(body.errors).toEqual([{ location: "query.token", message: expect.stringContaining("access-link") }]);
  });

  it("a missing required field reads as missing, a wrong type names what was sent", async () => {
    const org = await createOrg();
    const missing = await read(await org.api("/api/v1/webhooks", { method: "POST", json: { events: ["*"] } }));
    expect(missing.errors).toEqual([
      { location: "body.url", message: "Required field is missing (expected a string)" },
    ]);
    const wrong = await read(await org.api("/api/v1/meetings", { method: "POST", json: { endDate: 5 } }));
    expect(wrong.errors).toEqual([{ location: "body.endDate", message: "Expected a string, got the number 5" }]);
    const notNumber = await read(await org.api("/api/v1/meetings?limit=ten"));
    expect(notNumber.errors).toEqual([{ location: "query.limit", message: 'Expected a number, got "ten"' }]);
    for (const body of [missing, wrong, notNumber]) {
      for (const e of body.errors ?? []) expect(e.message).not.toMatch(/Invalid input|received/);
    }
  });

  it("a date without a time, and a single string where a list belongs, each get one plain message", async () => {
    const org = await createOrg();
    const dateOnly = await read(await org.api("/api/v1/meetings", { method: "POST", json: { endDate: "2026-12-22" } }));
    expect(dateOnly.errors).toEqual([
      { location: "body.endDate", message: expect.stringContaining("ISO 8601 date-time with a time zone") },
    ]);
    const scopes = await read(
      await org.api("/api/v1/api-keys", { method: "POST", json: { name: "x", scopes: "read" } }),
    );
    expect(scopes.errors).toEqual([{ location: "body.scopes", message: 'Expected an array, got "read"' }]);
  });

  it("a POST without any body to a JSON route says the JSON body is missing", async () => {
    const org = await createOrg();
    const res = await org.api("/api/v1/meetings", { method: "POST" });
    expect(res.status).toBe(400);
    const body = await read(res);
    expect(body.code).toBe("validation_error");
    expect(body.detail).toContain("Content-Type: application/json");
    expect(body.errors).toEqual([{ location: "body", message: "Missing JSON body" }]);
  });
});
