import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { sweepRecordingUploads } from "../src/cron/recording-uploads";
import { toHex } from "../src/lib/encoding";
import { signFileToken } from "../src/services/access-links";
import { PART_SIZE } from "../src/services/recording-uploads";
import { call, createMeeting, createOrg, env, MP4_HEAD, media, problem, type TestOrg, WEBM_HEAD } from "./helpers";

const sha256 = async (bytes: Uint8Array) => toHex(await crypto.subtle.digest("SHA-256", bytes));

type Recording = Record<string, unknown> & { recordingId: string; sizeInBytes: number; sha256: string | null };

async function upload(org: TestOrg, bytes: Uint8Array, type = "video/webm", query = "filename=call.webm") {
  return org.api(`/api/v1/recordings?${query}`, { method: "POST", headers: { "content-type": type }, body: bytes });
}

async function storedObjects(orgId: string) {
  return (await env.RECORDINGS.list({ prefix: `recordings/${orgId}/` })).objects.length;
}

async function rows(orgId: string) {
  return (
    await env.DB.prepare("SELECT count(*) AS n FROM recordings WHERE org_id = ?").bind(orgId).first<{ n: number }>()
  )?.n;
}

describe("direct upload", () => {
  it("streams the file to R2 with its size and SHA-256, emits recording.finished and counts storage", async () => {
    const org = await createOrg();
    const bytes = media(300_000);
    const res = await upload(
      org,
      bytes,
      "video/webm",
      "filename=standup.webm&startDate=2026-11-21T10:00:00Z&endDate=2026-11-21T10:30:00%2B00:00",
    );
    expect(res.status).toBe(201);
    const rec = (await res.json()) as Recording;
    expect(rec).toMatchObject({
      filename: "standup.webm",
      contentType: "video/webm",
      sizeInBytes: 300_000,
      sizeInMegaBytes: 0.3,
      sha256: await sha256(bytes),
      status: "ready",
      startDate: "2026-11-21T10:00:00.000Z",
      endDate: "2026-11-21T10:30:00.000Z",
      durationInSeconds: 1800,
      meetingId: null,
    });
    const object = await env.RECORDINGS.get(`recordings/${org.id}/${rec.recordingId}`);
    expect(new Uint8Array(await (object as R2ObjectBody).arrayBuffer())).toEqual(bytes);
    expect(await (await org.api(`/api/v1/recordings/${rec.recordingId}`)).json()).toEqual(rec);
    const self = (await (await org.api("/api/v1/organization")).json()) as { usage: { storageBytes: number } };
    expect(self.usage.storageBytes).toBe(300_000);
    const events = (await (await org.api("/api/v1/events?type=recording.finished")).json()) as {
      results: { data: unknown }[];
    };
    expect(events.results[0]?.data).toMatchObject({ recordingId: rec.recordingId, sizeInBytes: 300_000 });
  });

  it("links a meeting of the caller's organization and refuses anyone else's", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const { body: meeting } = await createMeeting(org);
    const ok = (await (
      await upload(org, media(1000), "audio/webm", `meetingId=${meeting.meetingId}`)
    ).json()) as Recording;
    expect(ok).toMatchObject({ meetingId: meeting.meetingId, roomName: meeting.roomName, filename: "recording" });
    const foreign = await upload(other, media(1000), "video/webm", `meetingId=${meeting.meetingId}`);
    expect(foreign.status).toBe(400);
    expect(((await problem(foreign)).errors as { location: string }[])[0]?.location).toBe("query.meetingId");
  });

  it("rejects bad uploads and leaves no row and no object behind", async () => {
    const org = await createOrg();
    const cases: [string, RequestInit, number][] = [
      ["wrong type", { headers: { "content-type": "text/plain" }, body: "hello" }, 415],
      ["image type", { headers: { "content-type": "image/png" }, body: media(100) }, 415],
      ["spoofed magic bytes", { headers: { "content-type": "video/mp4" }, body: media(5000, WEBM_HEAD) }, 415],
      ["text posing as audio", { headers: { "content-type": "audio/mpeg" }, body: "x".repeat(5000) }, 415],
      ["empty body", { headers: { "content-type": "video/webm" }, body: new Uint8Array(0) }, 400],
      ["too short to tell", { headers: { "content-type": "video/webm" }, body: new Uint8Array([0x1a, 0x45]) }, 415],
    ];
    for (const [name, init, status] of cases) {
      const res = await org.api("/api/v1/recordings", { method: "POST", ...init });
      expect(res.status, name).toBe(status);
      await problem(res);
    }
    const chunked = await org.api("/api/v1/recordings", {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(media(100));
          controller.close();
        },
      }),
      // @ts-expect-error: duplex is required for streaming request bodies but missing from RequestInit's types
      duplex: "half",
    });
    expect(chunked.status).toBe(400);
    expect(((await problem(chunked)).errors as { location: string }[])[0]?.location).toBe("header.content-length");
    const oversize = await org.api("/api/v1/recordings", {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: new Uint8Array(100 * 1024 * 1024 + 1),
    });
    expect(oversize.status).toBe(413);
    const backwards = await org.api("/api/v1/recordings?startDate=2026-11-21T10:00:00Z&endDate=2026-11-21T09:00:00Z", {
      method: "POST",
      headers: { "content-type": "video/webm" },
      body: media(1000),
    });
    expect(((await problem(backwards)).errors as { location: string }[])[0]?.location).toBe("query.endDate");
    expect(await rows(org.id)).toBe(0);
    expect(await storedObjects(org.id)).toBe(0);
  });

  it("refuses media types named after Object.prototype properties, on uploads and parts", async () => {
    const org = await createOrg();
    const uploadId = (
      (await (
        await org.api("/api/v1/recordings/uploads", {
          method: "POST",
          json: { filename: "x.webm", contentType: "video/webm" },
        })
      ).json()) as { uploadId: string }
    ).uploadId;
    for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf; codecs=x"]) {
      const direct = await upload(org, media(5000), type);
      expect(direct.status, type).toBe(415);
      expect((await problem(direct)).code).toBe("unsupported_media_type");
      const part = await org.api(`/api/v1/recordings/uploads/${uploadId}/parts/1`, {
        method: "PUT",
        headers: { "content-type": type },
        body: media(5000),
      });
      expect(part.status, type).toBe(415);
    }
    expect(await rows(org.id)).toBe(1); // only the upload started above
  });

  it("accepts every documented container by its bytes", async () => {
    const org = await createOrg();
    const heads: [string, number[]][] = [
      ["video/mp4", MP4_HEAD],
      ["audio/x-m4a", MP4_HEAD],
      ["video/x-matroska", WEBM_HEAD],
      ["audio/mpeg", [...new TextEncoder().encode("ID3"), 4, 0, 0, 0, 0, 0, 0, 0, 0]],
      ["audio/wav", [...new TextEncoder().encode("RIFF"), 0, 0, 0, 0, ...new TextEncoder().encode("WAVE")]],
      ["audio/ogg", [...new TextEncoder().encode("OggS"), 0, 2, 0, 0, 0, 0, 0, 0]],
      ["audio/flac", [...new TextEncoder().encode("fLaC"), 0, 0, 0, 34, 0, 0, 0, 0]],
    ];
    for (const [type, head] of heads) {
      expect((await upload(org, media(2000, head), type)).status, type).toBe(201);
    }
  });
});

describe("multipart upload", () => {
  it("round-trips a multi-part file exactly and fills in its SHA-256 in the background", async () => {
    const org = await createOrg();
    const created = await org.api("/api/v1/recordings/uploads", {
      method: "POST",
      json: { filename: "all-hands.webm", contentType: "video/webm" },
    });
    expect(created.status).toBe(201);
    const { uploadId, recordingId, partSize } = (await created.json()) as {
      uploadId: string;
      recordingId: string;
      partSize: number;
    };
    expect(partSize).toBe(PART_SIZE);
    const whole = media(partSize * 2 + 12_345);
    const parts = [whole.slice(0, partSize), whole.slice(partSize, 2 * partSize), whole.slice(2 * partSize)];
    const etags: { partNumber: number; etag: string }[] = [];
    for (const [i, part] of parts.entries()) {
      const res = await org.api(`/api/v1/recordings/uploads/${uploadId}/parts/${i + 1}`, { method: "PUT", body: part });
      expect(res.status).toBe(200);
      etags.push((await res.json()) as { partNumber: number; etag: string });
    }
    const pending = (await (await org.api(`/api/v1/recordings/${recordingId}`)).json()) as Recording;
    expect(pending.status).toBe("uploading");

    const done = await org.api(`/api/v1/recordings/uploads/${uploadId}/complete`, {
      method: "POST",
      json: { parts: etags },
    });
    expect(done.status).toBe(201);
    expect(await done.json()).toMatchObject({ recordingId, status: "ready", sizeInBytes: whole.byteLength });

    const link = (await (await org.api(`/api/v1/recordings/${recordingId}/access-link`)).json()) as {
      accessLink: string;
    };
    const file = await call(link.accessLink.replace("https://parley.test", ""));
    expect(file.status).toBe(200);
    expect(await sha256(new Uint8Array(await file.arrayBuffer()))).toBe(await sha256(whole));
    await expect
      .poll(async () => ((await (await org.api(`/api/v1/recordings/${recordingId}`)).json()) as Recording).sha256, {
        timeout: 10_000,
      })
      .toBe(await sha256(whole));
  }, 20_000); // 30 MB through R2 and a background job: slow on a loaded machine

  it("enforces part rules and checks every part on completion", async () => {
    const org = await createOrg();
    const start = async () =>
      (
        (await (
          await org.api("/api/v1/recordings/uploads", {
            method: "POST",
            json: { filename: "x.mp4", contentType: "video/mp4" },
          })
        ).json()) as { uploadId: string }
      ).uploadId;
    const uploadId = await start();
    const put = (n: number | string, body: Uint8Array) =>
      org.api(`/api/v1/recordings/uploads/${uploadId}/parts/${n}`, { method: "PUT", body });
    expect((await put(0, media(10))).status).toBe(400);
    expect((await put(513, media(10))).status).toBe(400);
    expect((await put("one", media(10))).status).toBe(400);
    expect((await put(1, new Uint8Array(PART_SIZE + 1))).status).toBe(413);
    expect((await put(1, media(5000, WEBM_HEAD))).status).toBe(415); // declared mp4
    const jsonPart = await org.api(`/api/v1/recordings/uploads/${uploadId}/parts/1`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: media(2000, MP4_HEAD),
    });
    expect(jsonPart.status).toBe(415);
    const p1 = (await (await put(1, media(1000, MP4_HEAD))).json()) as { etag: string };
    const p2 = (await (await put(2, media(1000, [1, 2, 3]))).json()) as { etag: string };

    const complete = (parts: unknown) =>
      org.api(`/api/v1/recordings/uploads/${uploadId}/complete`, { method: "POST", json: { parts } });
    const wrongEtag = await complete([{ partNumber: 1, etag: "nope" }]);
    expect(((await problem(wrongEtag)).errors as { location: string }[])[0]?.location).toBe("body.parts.0.etag");
    const gap = await complete([{ partNumber: 2, etag: p2.etag }]);
    expect(((await problem(gap)).errors as { location: string }[])[0]?.location).toBe("body.parts.0.partNumber");
    const shortFirst = await complete([
      { partNumber: 1, etag: p1.etag },
      { partNumber: 2, etag: p2.etag },
    ]);
    expect(shortFirst.status).toBe(400);
    expect(((await problem(shortFirst)).errors as { message: string }[])[0]?.message).toContain(String(PART_SIZE));
    expect((await complete([])).status).toBe(400);

    expect((await org.api(`/api/v1/recordings/uploads/${uploadId}`, { method: "DELETE" })).status).toBe(204);
    expect((await put(1, media(1000, MP4_HEAD))).status).toBe(404);
    expect((await org.api(`/api/v1/recordings/uploads/${uploadId}`, { method: "DELETE" })).status).toBe(404);
    expect(await rows(org.id)).toBe(0);
  });

  it("lets exactly one of a concurrent complete and abort win", async () => {
    const org = await createOrg();
    const { uploadId, recordingId } = (await (
      await org.api("/api/v1/recordings/uploads", {
        method: "POST",
        json: { filename: "race.webm", contentType: "video/webm" },
      })
    ).json()) as { uploadId: string; recordingId: string };
    const part = (await (
      await org.api(`/api/v1/recordings/uploads/${uploadId}/parts/1`, { method: "PUT", body: media(2000) })
    ).json()) as { partNumber: number; etag: string };
    const [completed, aborted] = await Promise.all([
      org.api(`/api/v1/recordings/uploads/${uploadId}/complete`, { method: "POST", json: { parts: [part] } }),
      org.api(`/api/v1/recordings/uploads/${uploadId}`, { method: "DELETE" }),
    ]);
    // The loser is told the upload is gone (404) or, while the winning complete runs, being completed (409).
    expect([completed.status, aborted.status]).toSatisfy(
      ([c, a]: number[]) => (c === 201 && (a === 404 || a === 409)) || (a === 204 && c === 404),
    );
    const after = await org.api(`/api/v1/recordings/${recordingId}`);
    expect(after.status).toBe(completed.status === 201 ? 200 : 404);
  });

  it("aborts uploads left unfinished for 24 hours", async () => {
    const org = await createOrg();
    const { recordingId } = (await (
      await org.api("/api/v1/recordings/uploads", {
        method: "POST",
        json: { filename: "old.webm", contentType: "video/webm" },
      })
    ).json()) as { recordingId: string };
    await env.DB.prepare("UPDATE recordings SET created_at = ? WHERE id = ?")
      .bind(Date.now() - 25 * 3_600_000, recordingId)
      .run();
    expect(await sweepRecordingUploads(env, Date.now())).toBeGreaterThanOrEqual(1);
    expect(await rows(org.id)).toBe(0);
  });
});

describe("reading and deleting recordings", () => {
  it("lists with filters, sortBy and keyset cursors", async () => {
    const org = await createOrg();
    const sizes = [5000, 1000, 3000, 2000, 4000];
    for (const size of sizes) await upload(org, media(size), "video/webm", `roomName=daily`);
    await upload(org, media(777), "video/webm", "roomName=other");
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await org.api(
          `/api/v1/recordings?roomName=daily&sortBy=sizeInMegaBytes:asc&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        )
      ).json()) as { results: Recording[]; cursor: string | null };
      seen.push(...page.results.map((r) => r.sizeInBytes));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual([...sizes].sort((a, b) => a - b));
    const first = (await (await org.api("/api/v1/recordings?sortBy=sizeInMegaBytes:asc&limit=1")).json()) as {
      cursor: string;
    };
    const otherOrder = await org.api(`/api/v1/recordings?sortBy=createdAt:desc&cursor=${first.cursor}`);
    expect(((await problem(otherOrder)).errors as { location: string }[])[0]?.location).toBe("query.cursor");
    const bad = await org.api("/api/v1/recordings?sortBy=filename:asc");
    expect(((await problem(bad)).errors as { location: string }[])[0]?.location).toBe("query.sortBy");
  });

  it("deletes the row and the bytes, emits recording.deleted and gives the storage back", async () => {
    const org = await createOrg();
    const rec = (await (await upload(org, media(4096))).json()) as Recording;
    expect((await org.api(`/api/v1/recordings/${rec.recordingId}`, { method: "DELETE" })).status).toBe(204);
    expect(await storedObjects(org.id)).toBe(0);
    expect((await org.api(`/api/v1/recordings/${rec.recordingId}`)).status).toBe(404);
    expect((await org.api(`/api/v1/recordings/${rec.recordingId}`, { method: "DELETE" })).status).toBe(404);
    const self = (await (await org.api("/api/v1/organization")).json()) as { usage: { storageBytes: number } };
    expect(self.usage.storageBytes).toBe(0);
    const events = (await (await org.api("/api/v1/events?type=recording.deleted")).json()) as { results: unknown[] };
    expect(events.results).toHaveLength(1);
  });

  it("bulk-deletes through the queue, ignoring unknown and foreign ids", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const mine = await Promise.all(
      [1, 2, 3].map(async () => ((await (await upload(org, media(1000))).json()) as Recording).recordingId),
    );
    const theirs = ((await (await upload(other, media(1000))).json()) as Recording).recordingId;
    const res = await org.api("/api/v1/recordings/bulk-delete", {
      method: "POST",
      json: { recordingIds: [...mine.slice(0, 2), theirs, "rec_unknown"] },
    });
    expect(res.status).toBe(204);
    await expect.poll(() => rows(org.id), { timeout: 10_000 }).toBe(1);
    expect(await rows(other.id)).toBe(1);
    expect((await org.api(`/api/v1/recordings/${mine[2]}`)).status).toBe(200);
    const tooMany = await org.api("/api/v1/recordings/bulk-delete", {
      method: "POST",
      json: { recordingIds: Array.from({ length: 101 }, (_, i) => `rec_${i}`) },
    });
    expect(tooMany.status).toBe(400);
  });

  it("404s another organization's recording on every route", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const rec = (await (await upload(org, media(1000))).json()) as Recording;
    for (const [method, path] of [
      ["GET", `/api/v1/recordings/${rec.recordingId}`],
      ["DELETE", `/api/v1/recordings/${rec.recordingId}`],
      ["GET", `/api/v1/recordings/${rec.recordingId}/access-link`],
    ] as const) {
      expect((await other.api(path, { method })).status, `${method} ${path}`).toBe(404);
    }
  });
});

describe("access links", () => {
  async function linked(size = 1000) {
    const org = await createOrg();
    const bytes = media(size);
    const rec = (await (await upload(org, bytes, "video/webm", "filename=Résumé call.webm")).json()) as Recording;
    const res = await org.api(`/api/v1/recordings/${rec.recordingId}/access-link?validForSeconds=600`);
    const link = (await res.json()) as { accessLink: string; expires: number };
    return { org, rec, bytes, link, path: link.accessLink.replace("https://parley.test", "") };
  }

  it("serves the file with its headers, HEAD and single ranges", async () => {
    const { bytes, link, path } = await linked(1000);
    expect(link.expires).toBeGreaterThan(Date.now() + 590_000);
    expect(link.expires).toBeLessThanOrEqual(Date.now() + 600_000);
    const full = await call(path);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("video/webm");
    expect(full.headers.get("content-length")).toBe("1000");
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect(full.headers.get("etag")).toMatch(/^"/);
    expect(full.headers.get("content-disposition")).toBe(
      `attachment; filename="R_sum_ call.webm"; filename*=UTF-8''R%C3%A9sum%C3%A9%20call.webm`,
    );
    expect(new Uint8Array(await full.arrayBuffer())).toEqual(bytes);

    const head = await call(path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("1000");
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const ranges: [string, number, number][] = [
      ["bytes=0-9", 0, 9],
      ["bytes=990-", 990, 999],
      ["bytes=-5", 995, 999],
      ["bytes=500-5000", 500, 999],
    ];
    for (const [range, from, to] of ranges) {
      const part = await call(path, { headers: { range } });
      expect(part.status, range).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes ${from}-${to}/1000`);
      expect(part.headers.get("content-length")).toBe(String(to - from + 1));
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(from, to + 1));
    }
    const unsatisfiable = await call(path, { headers: { range: "bytes=1000-" } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get("content-range")).toBe("bytes */1000");
    await problem(unsatisfiable);
    const several = await call(path, { headers: { range: "bytes=0-1,5-6" } });
    expect(several.status).toBe(200);
    const etag = (await call(path, { method: "HEAD" })).headers.get("etag") as string;
    const cached = await call(path, { headers: { "if-none-match": etag } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("etag")).toBe(etag);
    expect((await call(path, { headers: { "if-none-match": '"other"' } })).status).toBe(200);
    const backwards = await call(path, { headers: { range: "bytes=5-3" } });
    expect(backwards.status).toBe(200);
    expect(backwards.headers.get("content-length")).toBe("1000");
  });

  it("refuses tampered, expired, other-recording and rotated-secret tokens with 403", async () => {
    const { rec, path, org } = await linked();
    const token = new URL(`https://x${path}`).searchParams.get("token") as string;
    const other = (await (await upload(org, media(1000))).json()) as Recording;
    const expired = await signFileToken("test-file-token-secret-0123456789abcdef", rec.recordingId, Date.now() - 1);
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    for (const [name, p] of [
      ["tampered", `/files/recordings/${rec.recordingId}?token=${tampered}`],
      ["expired", `/files/recordings/${rec.recordingId}?token=${expired}`],
      ["other recording", `/files/recordings/${other.recordingId}?token=${token}`],
      ["garbage", `/files/recordings/${rec.recordingId}?token=abc`],
    ]) {
      const res = await call(p as string);
      expect(res.status, name).toBe(403);
      expect((await problem(res)).code).toBe("forbidden");
    }
    const rotated = await createApp().fetch(
      new Request(`https://parley.test${path}`),
      { ...env, FILE_TOKEN_SECRET: "a-new-secret-after-rotation-0000000000" },
      createExecutionContext(),
    );
    expect(rotated.status).toBe(403);
    for (const bad of [0, 43_201]) {
      const res = await org.api(`/api/v1/recordings/${rec.recordingId}/access-link?validForSeconds=${bad}`);
      expect(res.status).toBe(400);
    }
  });
});
