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

describe("GET /", () => {
  it("points a newcomer at the docs, the OpenAPI document and the dashboard", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { name: string; links: Record<string, string> };
    expect(body.links).toEqual({
      docs: "/docs",
      openapi: "/api/v1/openapi.json",
      dashboard: "/dashboard",
      health: "/health",
    });
    for (const path of [body.links.docs, body.links.openapi, body.links.health]) {
      expect((await call(path as string)).status, path).toBe(200);
    }
  });

  it("is a documented Meta route", async () => {
    const doc = (await (await call("/api/v1/openapi.json")).json()) as {
      paths: Record<string, { get?: { tags?: string[]; security?: unknown[] } }>;
    };
    expect(doc.paths["/"]?.get?.tags).toEqual(["Meta"]);
    expect(doc.paths["/"]?.get?.security).toEqual([]);
  });
});
