import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("GET /health", () => {
  it("answers ok with the version and a request id", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: "0.1.0" });
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });
});
