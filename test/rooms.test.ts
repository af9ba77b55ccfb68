import { describe, expect, it } from "vitest";
import { call, createMeeting, createOrg, env, problem, type TestOrg } from "./helpers";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3, 4]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0]);

async function room(org: TestOrg): Promise<{ name: string; meetingId: string }> {
  const { body } = await createMeeting(org, { roomNamePrefix: "themed" });
  return { name: body.roomName.slice(1), meetingId: body.meetingId };
}

function logoForm(bytes: Uint8Array, type = "image/png", field = "image"): FormData {
  const form = new FormData();
  form.append(field, new File([bytes], "logo", { type }));
  return form;
}

describe("room themes", () => {
  it("starts from the default theme", async () => {
    const org = await createOrg();
    const { name } = await room(org);
    const res = await org.api(`/api/v1/rooms/${name}/theme`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      tokens: {},
      tokensPreset: "default",
      logoUrl: null,
      roomBackground: { palette: "default", theme: "default" },
    });
  });

  it("stores colour tokens and the room background", async () => {
    const org = await createOrg();
    const { name } = await room(org);
    const tokens = await org.api(`/api/v1/rooms/${name}/theme/tokens`, {
      method: "PUT",
      json: { tokens: { colors: { primary: "#112233", focus: "#AABBCC" } } },
    });
    expect(tokens.status).toBe(204);
    const bg = await org.api(`/api/v1/rooms/${name}/theme/room-background`, {
      method: "PUT",
      json: { palette: "purple" },
    });
    expect(bg.status).toBe(204);
    await org.api(`/api/v1/rooms/${name}/theme/room-background`, { method: "PUT", json: { theme: "rocks" } });
    const theme = await (await org.api(`/api/v1/rooms/${name}/theme`)).json();
    expect(theme).toMatchObject({
      tokens: { colors: { primary: "#112233", focus: "#AABBCC" } },
      tokensPreset: "custom",
      roomBackground: { palette: "purple", theme: "rocks" },
    });
    await org.api(`/api/v1/rooms/${name}/theme/tokens`, { method: "PUT", json: { tokensPreset: "default" } });
    expect(await (await org.api(`/api/v1/rooms/${name}/theme`)).json()).toMatchObject({ tokensPreset: "default" });
  });

  it("validates tokens and backgrounds", async () => {
    const org = await createOrg();
    const { name } = await room(org);
    const bad = await org.api(`/api/v1/rooms/${name}/theme/tokens`, {
      method: "PUT",
      json: { tokens: { colors: { primary: "red", accent: "#000000" } }, tokensPreset: "loud" },
    });
    expect(bad.status).toBe(400);
    const locations = ((await problem(bad)).errors as { location: string }[]).map((e) => e.location).sort();
    expect(locations).toEqual(["body.tokens.colors.accent", "body.tokens.colors.primary", "body.tokensPreset"]);
    const bg = await org.api(`/api/v1/rooms/${name}/theme/room-background`, {
      method: "PUT",
      json: { palette: "pink" },
    });
    expect(((await problem(bg)).errors as { location: string }[])[0]?.location).toBe("body.palette");
  });

  it("uploads a PNG or JPEG logo to R2, serves it publicly and resets it", async () => {
    const org = await createOrg();
    const { name } = await room(org);
    const put = await org.api(`/api/v1/rooms/${name}/theme/logo`, { method: "PUT", body: logoForm(PNG) });
    expect(put.status).toBe(204);
    const { logoUrl } = (await (await org.api(`/api/v1/rooms/${name}/theme`)).json()) as { logoUrl: string };
    expect(logoUrl).toMatch(new RegExp(`^https://parley\\.test/files/room-logos/${org.id}\\.upl_`));
    // Stored under the organization's prefix, so a tenant's logos can be listed and purged.
    const stored = (await env.RECORDINGS.list({ prefix: `room-logos/${org.id}/` })).objects;
    expect(stored.map((o) => o.key)).toEqual([`room-logos/${org.id}/${logoUrl.split(".").at(-1)}`]);
    const served = await call(new URL(logoUrl).pathname);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);

    const jpeg = await org.api(`/api/v1/rooms/${name}/theme/logo`, {
      method: "PUT",
      body: logoForm(JPEG, "image/jpeg"),
    });
    expect(jpeg.status).toBe(204);
    expect((await call(new URL(logoUrl).pathname)).status).toBe(404); // the replaced logo is gone

    const reset = await org.api(`/api/v1/rooms/${name}/theme/logo`, { method: "PUT", json: { theme: "default" } });
    expect(reset.status).toBe(204);
    expect(((await (await org.api(`/api/v1/rooms/${name}/theme`)).json()) as { logoUrl: null }).logoUrl).toBeNull();
    const left = await env.RECORDINGS.list({ prefix: "room-logos/" });
    for (const object of left.objects) expect(logoUrl).not.toContain(object.key);
  });

  it("keeps serving a logo stored before logos moved under the organization, and deletes it on replace", async () => {
    const org = await createOrg();
    const { name } = await room(org);
    const legacyId = "upl_legacy0123456789abcdefgh";
    await env.RECORDINGS.put(`room-logos/${legacyId}`, PNG, { httpMetadata: { contentType: "image/png" } });
    await env.DB.prepare("INSERT INTO room_themes (org_id, room_name, logo_id, updated_at) VALUES (?, ?, ?, ?)")
      .bind(org.id, `/${name}`, legacyId, Date.now())
      .run();
    const { logoUrl } = (await (await org.api(`/api/v1/rooms/${name}/theme`)).json()) as { logoUrl: string };
    expect(new URL(logoUrl).pathname).toBe(`/files/room-logos/${legacyId}`);
    expect((await call(new URL(logoUrl).pathname)).status).toBe(200);
    await org.api(`/api/v1/rooms/${name}/theme/logo`, { method: "PUT", body: logoForm(PNG) });
    expect(await env.RECORDINGS.head(`room-logos/${legacyId}`)).toBeNull();
    expect((await env.RECORDINGS.list({ prefix: `room-logos/${org.id}/` })).objects).toHaveLength(1);
    await org.api(`/api/v1/rooms/${name}/theme/logo`, { method: "PUT", json: { theme: "default" } });
    expect((await env.RECORDINGS.list({ prefix: "room-logos/" })).objects).toHaveLength(0);
  });

  it("leaves exactly one logo object after concurrent replacements", async () => {
    const org = await createOrg();
    const { name, meetingId } = await room(org);
    const puts = await Promise.all(
      Array.from({ length: 5 }, () =>
        org.api(`/api/v1/rooms/${name}/theme/logo`, { method: "PUT", body: logoForm(PNG) }),
      ),
    );
    expect(puts.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
    const { logoUrl } = (await (await org.api(`/api/v1/rooms/${name}/theme`)).json()) as { logoUrl: string };
    const objects = (await env.RECORDINGS.list({ prefix: "room-logos/" })).objects;
    expect(objects.map((o) => o.key)).toEqual([
      new URL(logoUrl).pathname.replace("/files/", "").replace(`${org.id}.`, `${org.id}/`),
    ]);
    await org.api(`/api/v1/meetings/${meetingId}`, { method: "DELETE" });
    expect((await env.RECORDINGS.list({ prefix: "room-logos/" })).objects).toHaveLength(0);
  });

  it("rejects spoofed, oversize and wrongly typed logos", async () => {
    const org = await createOrg();
    const { name } = await room(org);
    const path = `/api/v1/rooms/${name}/theme/logo`;
    const spoofed = await org.api(path, {
      method: "PUT",
      body: logoForm(new TextEncoder().encode("<svg/>"), "image/png"),
    });
    expect(spoofed.status).toBe(415);
    expect((await problem(spoofed)).code).toBe("unsupported_media_type");
    const huge = new Uint8Array(600_001);
    huge.set(PNG);
    const oversize = await org.api(path, { method: "PUT", body: logoForm(huge) });
    expect(oversize.status).toBe(413);
    expect((await problem(oversize)).code).toBe("payload_too_large");
    const plain = await org.api(path, { method: "PUT", headers: { "content-type": "text/plain" }, body: "logo" });
    expect(plain.status).toBe(415);
    const urlencoded = await org.api(path, {
      method: "PUT",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "image=logo",
    });
    expect(urlencoded.status).toBe(415);
    expect((await problem(urlencoded)).code).toBe("unsupported_media_type");
    const wrongJson = await org.api(path, { method: "PUT", json: { theme: "dark" } });
    expect(wrongJson.status).toBe(400);
    const noImage = await org.api(path, { method: "PUT", body: logoForm(PNG, "image/png", "picture") });
    expect(noImage.status).toBe(400);
    expect(((await problem(noImage)).errors as { location: string; message: string }[])[0]).toEqual({
      location: "body.image",
      message: "Required file",
    });
    expect((await env.RECORDINGS.list({ prefix: "room-logos/" })).objects).toHaveLength(0);
  });

  it("404s unknown rooms and rooms of another organization on every theme route", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const { name } = await room(org);
    for (const target of [name, "no-such-room"]) {
      for (const [method, suffix, init] of [
        ["GET", "", {}],
        ["PUT", "/tokens", { json: { tokensPreset: "default" } }],
        ["PUT", "/logo", { body: logoForm(PNG) }],
        ["PUT", "/room-background", { json: { palette: "grey" } }],
      ] as const) {
        const res = await other.api(`/api/v1/rooms/${target}/theme${suffix}`, { method, ...init });
        expect(res.status, `${method} ${target}${suffix}`).toBe(404);
      }
    }
  });

  it("deletes the theme and its logo with the meeting", async () => {
    const org = await createOrg();
    const { name, meetingId } = await room(org);
    await org.api(`/api/v1/rooms/${name}/theme/logo`, { method: "PUT", body: logoForm(PNG) });
    expect((await env.RECORDINGS.list({ prefix: "room-logos/" })).objects).toHaveLength(1);
    expect((await org.api(`/api/v1/meetings/${meetingId}`, { method: "DELETE" })).status).toBe(204);
    expect((await env.RECORDINGS.list({ prefix: "room-logos/" })).objects).toHaveLength(0);
    const themes = await env.DB.prepare("SELECT count(*) AS n FROM room_themes WHERE org_id = ?")
      .bind(org.id)
      .first<{ n: number }>();
    expect(themes?.n).toBe(0);
  });
});
