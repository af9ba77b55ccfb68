import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { captureErrorLogs, createOrg, env, inHours, media, problem, type TestOrg } from "./helpers";

/** The worker as deployed without some settings: same bindings, those secrets unset. */
function without(names: (keyof Env)[], org: TestOrg) {
  const partial = { ...env, ...Object.fromEntries(names.map((name) => [name, ""])) } as Env;
  return (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${org.key}`);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    const request = new Request(`https://parley.test${path}`, { ...init, headers, body });
    return worker.fetch(request, partial, createExecutionContext());
  };
}

async function count(table: "meetings" | "events", orgId: string) {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE org_id = ?`).bind(orgId).first<{
    n: number;
  }>();
  return row?.n ?? 0;
}

describe("missing configuration", () => {
  it("refuses to create a meeting before any side effect, names ROOM_KEY_SECRET and logs it once", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const org = await createOrg();
      const api = without(["ROOM_KEY_SECRET"], org);
      const key = { "idempotency-key": crypto.randomUUID() };
      const json = { endDate: inHours(2), fields: ["hostRoomUrl"] };
      for (let i = 0; i < 2; i++) {
        const res = await api("/api/v1/meetings", { method: "POST", headers: key, json });
        expect(res.status).toBe(500);
        const body = await problem(res);
        expect(body.code).toBe("internal_error");
        expect(body.detail).toContain("ROOM_KEY_SECRET");
        expect(JSON.stringify(body)).not.toContain(env.ROOM_KEY_SECRET);
      }
      expect(await count("meetings", org.id)).toBe(0);
      expect(await count("events", org.id)).toBe(0);

      const logged = errors.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("ROOM_KEY_SECRET"));
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0] as string)).toMatchObject({ level: "error", setting: "ROOM_KEY_SECRET" });
      expect(errors.mock.calls.join("\n")).not.toContain(env.FILE_TOKEN_SECRET);

      // Configured again, the retry with the same key runs once: one meeting, one event.
      const retry = await org.api("/api/v1/meetings", { method: "POST", headers: key, json });
      expect(retry.status).toBe(201);
      expect(retry.headers.get("idempotent-replayed")).toBeNull();
      expect(await count("meetings", org.id)).toBe(1);
      expect(await count("events", org.id)).toBe(1);
    } finally {
      errors.mockRestore();
    }
  });

  it("names FILE_TOKEN_SECRET for access links and download links", async () => {
    const org = await createOrg();
    const uploaded = await org.api("/api/v1/recordings", {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: media(2000),
    });
    const { recordingId } = (await uploaded.json()) as { recordingId: string };
    const link = (await (await org.api(`/api/v1/recordings/${recordingId}/access-link`)).json()) as {
      accessLink: string;
    };
    const api = without(["FILE_TOKEN_SECRET"], org);
    const logs = captureErrorLogs();
    const { pathname, search } = new URL(link.accessLink);
    for (const path of [`/api/v1/recordings/${recordingId}/access-link`, `${pathname}${search}`]) {
      const res = await api(path);
      expect(res.status, path).toBe(500);
      const body = await problem(res);
      expect(body.code).toBe("internal_error");
      expect(body.detail).toContain("FILE_TOKEN_SECRET");
    }
    expect(logs().filter((line) => line.setting === "FILE_TOKEN_SECRET")).toHaveLength(1);
  });
});
