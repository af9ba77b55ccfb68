import { describe, expect, it } from "vitest";
import { createOrg, env, media, problem, type TestOrg } from "./helpers";
import { aiEnvironment, importSegments, pageRows, seg, type Transcription } from "./transcription-helpers";

type Issue = { location: string; message: string };
const issues = async (res: Response) => ((await problem(res)).errors ?? []) as Issue[];
const rowCount = async (orgId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM transcriptions WHERE org_id = ?").bind(orgId).first<{ n: number }>())
    ?.n;

async function uploadRecording(org: TestOrg) {
  const res = await org.api("/api/v1/recordings?filename=call.webm", {
    method: "POST",
    headers: { "content-type": "video/webm" },
    body: media(2000),
  });
  return ((await res.json()) as { recordingId: string }).recordingId;
}

describe("importing segments", () => {
  it("stores an IMPORTED, ready transcription: duration is the largest end, speakers in order of first appearance", async () => {
    const org = await createOrg();
    const res = await org.api("/api/v1/transcriptions", {
      method: "POST",
      json: {
        segments: [seg("Bob", 0, 4, "Hi."), seg("Alice", 3.5, 9.25, "Hello Bob."), seg("Bob", 10, 12, "Shall we?")],
        roomName: "standup",
        language: "en",
      },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Transcription;
    expect(res.headers.get("location")).toBe(`/api/v1/transcriptions/${created.transcriptionId}`);
    expect(created).toEqual({
      transcriptionId: expect.stringMatching(/^trn_[0-9A-Za-z]{22}$/),
      recordingId: null,
      meetingId: null,
      roomName: "/standup",
      roomSessionId: null,
      type: "IMPORTED",
      state: "ready",
      language: "en",
      durationInSeconds: 12,
      segmentCount: 3,
      speakers: ["Bob", "Alice"],
      error: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      startDate: null,
      endDate: null,
    });
    expect(await (await org.api(`/api/v1/transcriptions/${created.transcriptionId}`)).json()).toEqual(created);
    const self = (await (await org.api("/api/v1/organization")).json()) as {
      usage: { transcriptionSeconds: number; aiGenerations: { used: number } };
    };
    expect(self.usage.transcriptionSeconds).toBe(0);
    expect(self.usage.aiGenerations.used).toBe(0);
  });

  it("stores 20,000 segments in bounded pages, in order", async () => {
    const org = await createOrg();
    const segments = Array.from({ length: 20_000 }, (_, i) => seg(`S${i % 3}`, i, i + 0.5, `line ${i}`));
    const created = await importSegments(org, segments);
    expect(created).toMatchObject({ segmentCount: 20_000, durationInSeconds: 19_999.5, speakers: ["S0", "S1", "S2"] });
    const pages = await pageRows(created.transcriptionId);
    expect(pages.map((p) => p.page).sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    const first = pages.find((p) => p.page === 39);
    expect(first?.first_index).toBe(19_500);
    expect(JSON.parse(first?.segments ?? "[]")[0]).toEqual(["S0", 19_500, 19_500.5, "line 19500"]);
  }, 30_000);

  it("bounds a page by size too: long texts spread over more pages", async () => {
    const org = await createOrg();
    const segments = Array.from({ length: 120 }, (_, i) => seg("A", i, i + 1, "é".repeat(10_000)));
    const created = await importSegments(org, segments);
    const pages = await pageRows(created.transcriptionId);
    for (const page of pages)
      expect(new TextEncoder().encode(page.segments).byteLength).toBeLessThanOrEqual(512 * 1024);
    expect(pages.length).toBe(5); // 20 KB a segment: 26 fit in 512 KB
    expect(pages.reduce((n, p) => n + JSON.parse(p.segments).length, 0)).toBe(120);
  });

  it("answers bad imports with a 400 listing every problem, and stores nothing", async () => {
    const org = await createOrg();
    const cases: [string, unknown, Issue[]][] = [
      [
        "wrong types",
        { segments: [{ speaker: 1, start: "0", end: 1, text: null }] },
        [
          { location: "body.segments.0.speaker", message: "Expected a string, got the number 1" },
          { location: "body.segments.0.start", message: 'Expected a number, got "0"' },
          { location: "body.segments.0.text", message: "Expected a string, got null" },
        ],
      ],
      [
        "unknown fields",
        { segments: [{ ...seg("A", 0, 1, "x"), confidence: 1 }], title: "x" },
        [
          { location: "body.segments.0.confidence", message: "Unknown field" },
          { location: "body.title", message: "Unknown field" },
        ],
      ],
      [
        "end before start, negative start",
        { segments: [seg("A", 5, 4, "x"), seg("A", -1, 2, "y")] },
        [
          { location: "body.segments.0.end", message: "end must not be before start" },
          { location: "body.segments.1.start", message: expect.stringContaining(">=0") },
        ],
      ],
      ["no segments", { segments: [] }, [{ location: "body.segments", message: expect.stringContaining(">=1") }]],
      [
        "text over 10,000 characters",
        { segments: [seg("A", 0, 1, "x".repeat(10_001))] },
        [{ location: "body.segments.0.text", message: expect.stringContaining("10000") }],
      ],
      [
        "over 20,000 segments",
        { segments: Array.from({ length: 20_001 }, () => seg("A", 0, 1, "")) },
        [{ location: "body.segments", message: expect.stringContaining("20000") }],
      ],
      [
        "bad language",
        { segments: [seg("A", 0, 1, "x")], language: "english" },
        [{ location: "body.language", message: "Expected an ISO-639-1 code such as en" }],
      ],
      [
        "none of the three shapes",
        { transcript: "hello" },
        [{ location: "body", message: "Expected recordingId, segments, or format and content" }],
      ],
      [
        "not an object",
        [1, 2],
        [{ location: "body", message: "Expected recordingId, segments, or format and content" }],
      ],
      [
        "subtitles without content",
        { format: "ass" },
        [
          { location: "body.format", message: expect.stringContaining("vtt") },
          { location: "body.content", message: expect.stringContaining("missing") },
        ],
      ],
    ];
    for (const [name, json, expected] of cases) {
      const res = await org.api("/api/v1/transcriptions", { method: "POST", json });
      expect(res.status, name).toBe(400);
      expect(await issues(res), name).toEqual(expected);
    }
    const foreignMeeting = await org.api("/api/v1/transcriptions", {
      method: "POST",
      json: { segments: [seg("A", 0, 1, "x")], meetingId: "mtg_unknown" },
    });
    expect(await issues(foreignMeeting)).toEqual([{ location: "body.meetingId", message: "Unknown meeting" }]);
    expect(await rowCount(org.id)).toBe(0);
  }, 30_000);

  it("takes imports up to 16 MiB and refuses larger bodies with 413", async () => {
    const org = await createOrg();
    const big = Array.from({ length: 300 }, (_, i) => seg("A", i, i + 1, "x".repeat(10_000)));
    expect((await importSegments(org, big)).segmentCount).toBe(300); // ~3 MB: over the 1 MB of other JSON routes
    const tooBig = Array.from({ length: 1_700 }, (_, i) => seg("A", i, i + 1, "x".repeat(10_000)));
    const res = await org.api("/api/v1/transcriptions", { method: "POST", json: { segments: tooBig } });
    expect(res.status).toBe(413);
    expect((await problem(res)).code).toBe("payload_too_large");
    const elsewhere = await org.api("/api/v1/meetings", { method: "POST", json: { padding: "x".repeat(1_100_000) } });
    expect(elsewhere.status).toBe(413);
  }, 30_000);

  it("replays a POST with the same Idempotency-Key instead of importing twice", async () => {
    const org = await createOrg();
    const send = () =>
      org.api("/api/v1/transcriptions", {
        method: "POST",
        headers: { "idempotency-key": "import-1" },
        json: { segments: [seg("A", 0, 1, "x")] },
      });
    const first = await send();
    const again = await send();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await rowCount(org.id)).toBe(1);
  });
});

describe("transcribing a recording", () => {
  it("answers 503 ai_unavailable without an OpenAI key, before reading or writing anything", async () => {
    const org = await createOrg();
    const recordingId = await uploadRecording(org);
    for (const id of [recordingId, "rec_unknown"]) {
      const res = await org.api("/api/v1/transcriptions", { method: "POST", json: { recordingId: id } });
      expect(res.status).toBe(503);
      expect((await problem(res)).code).toBe("ai_unavailable");
    }
    expect(await rowCount(org.id)).toBe(0);
  });

  it("creates an in_progress transcription with the recording's metadata and queues its job", async () => {
    const ai = aiEnvironment("routes-create");
    const org = await createOrg();
    const res = await org.api(
      "/api/v1/recordings?filename=a.webm&roomName=daily&roomSessionId=sess-1&startDate=2026-11-21T10:00:00Z&endDate=2026-11-21T10:30:00Z",
      { method: "POST", headers: { "content-type": "video/webm" }, body: media(2000) },
    );
    const { recordingId } = (await res.json()) as { recordingId: string };
    const created = await ai.fetch(org, "/api/v1/transcriptions", {
      method: "POST",
      json: { recordingId, language: "de" },
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Transcription;
    expect(body).toMatchObject({
      recordingId,
      roomName: "/daily",
      roomSessionId: "sess-1",
      type: "RECORDING_TRANSCRIPTION",
      state: "in_progress",
      language: "de",
      durationInSeconds: null,
      segmentCount: 0,
      speakers: [],
      error: null,
      startDate: "2026-11-21T10:00:00.000Z",
      endDate: "2026-11-21T10:30:00.000Z",
    });
    expect(ai.sent).toEqual([{ kind: "transcription.v1", transcriptionId: body.transcriptionId, orgId: org.id }]);
  });

  it("404s an unknown or another organization's recording and 409s one still uploading", async () => {
    const ai = aiEnvironment("routes-create-errors");
    const org = await createOrg();
    const other = await createOrg();
    const theirs = await uploadRecording(other);
    for (const recordingId of [theirs, "rec_unknown"]) {
      const res = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
      expect(res.status, recordingId).toBe(404);
    }
    const upload = await org.api("/api/v1/recordings/uploads", {
      method: "POST",
      json: { filename: "x.webm", contentType: "video/webm" },
    });
    const { recordingId } = (await upload.json()) as { recordingId: string };
    const uploading = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
    expect(uploading.status).toBe(409);
    expect((await problem(uploading)).code).toBe("conflict");
    expect(await rowCount(org.id)).toBe(0);
    expect(ai.sent).toEqual([]);
  });
});

describe("listing transcriptions", () => {
  it("lists newest first with filters, sortBy and keyset cursors", async () => {
    const org = await createOrg();
    const durations = [30, 10, 50, 20, 40];
    const ids: string[] = [];
    for (const d of durations)
      ids.push((await importSegments(org, [seg("A", 0, d, "x")], { roomName: "daily" })).transcriptionId);
    await importSegments(org, [seg("A", 0, 1, "x")], { roomName: "other" });
    const newest = (await (await org.api("/api/v1/transcriptions?roomName=/daily")).json()) as {
      results: Transcription[];
    };
    expect(newest.results.map((t) => t.transcriptionId)).toEqual(
      [...ids].sort((a, b) => 0 || ids.indexOf(b) - ids.indexOf(a)),
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await org.api(
          `/api/v1/transcriptions?roomName=daily&sortBy=durationInSeconds:asc&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        )
      ).json()) as { results: Transcription[]; cursor: string | null };
      seen.push(...page.results.map((t) => t.durationInSeconds as number));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual([10, 20, 30, 40, 50]);
    const ready = (await (await org.api("/api/v1/transcriptions?state=in_progress")).json()) as { results: unknown[] };
    expect(ready.results).toEqual([]);
    for (const bad of ["sortBy=filename:asc", "state=done", "limit=0", "cursor=abc"]) {
      expect((await org.api(`/api/v1/transcriptions?${bad}`)).status, bad).toBe(400);
    }
  });
});

describe("speaker renames", () => {
  it("overlays names on raw labels, lists a name given to two labels once, and removes a rename with null", async () => {
    const org = await createOrg();
    const t = await importSegments(org, [
      seg("Speaker 1", 0, 1, "a"),
      seg("Speaker 2", 1, 2, "b"),
      seg("Speaker 3", 2, 3, "c"),
    ]);
    const put = (json: unknown) =>
      org.api(`/api/v1/transcriptions/${t.transcriptionId}/speakers`, { method: "PUT", json });
    const renamed = await put({ "Speaker 1": "Alice", "Speaker 3": "Alice" });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as Transcription).speakers).toEqual(["Alice", "Speaker 2"]);
    const more = (await (await put({ "Speaker 2": "Bob" })).json()) as Transcription;
    expect(more.speakers).toEqual(["Alice", "Bob"]);
    const removed = (await (await put({ "Speaker 3": null })).json()) as Transcription;
    expect(removed.speakers).toEqual(["Alice", "Bob", "Speaker 3"]);
    const fetched = (await (await org.api(`/api/v1/transcriptions/${t.transcriptionId}`)).json()) as Transcription;
    expect(fetched.speakers).toEqual(["Alice", "Bob", "Speaker 3"]);
    const pages = await pageRows(t.transcriptionId);
    expect(JSON.parse(pages[0]?.segments ?? "[]").map((s: unknown[]) => s[0])).toEqual([
      "Speaker 1",
      "Speaker 2",
      "Speaker 3",
    ]);
  });

  it("refuses unknown labels, empty or long names and non-string values", async () => {
    const org = await createOrg();
    const t = await importSegments(org, [seg("Speaker 1", 0, 1, "a")]);
    const put = (json: unknown) =>
      org.api(`/api/v1/transcriptions/${t.transcriptionId}/speakers`, { method: "PUT", json });
    const unknown = await put({ "Speaker 9": "Zed", "Speaker 1": "Ann" });
    expect(await issues(unknown)).toEqual([
      { location: "body.Speaker 9", message: "Not a speaker label of this transcript" },
    ]);
    for (const json of [{ "Speaker 1": "" }, { "Speaker 1": "x".repeat(101) }, { "Speaker 1": 5 }, ["Alice"]]) {
      const res = await put(json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect((await issues(res)).length).toBeGreaterThan(0);
    }
    const unchanged = (await (await org.api(`/api/v1/transcriptions/${t.transcriptionId}`)).json()) as Transcription;
    expect(unchanged.speakers).toEqual(["Speaker 1"]);
  });
});

describe("deleting transcriptions", () => {
  it("deletes the row and its segment pages, idempotently", async () => {
    const org = await createOrg();
    const t = await importSegments(org, [seg("A", 0, 1, "x")]);
    for (let i = 0; i < 2; i++) {
      const res = await org.api(`/api/v1/transcriptions/${t.transcriptionId}`, { method: "DELETE" });
      expect(res.status).toBe(204);
    }
    expect((await org.api(`/api/v1/transcriptions/${t.transcriptionId}`)).status).toBe(404);
    expect(await pageRows(t.transcriptionId)).toEqual([]);
  });

  it("bulk-deletes through the storage-jobs queue, ignoring unknown and other organizations' ids", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await importSegments(org, [seg("A", 0, 1, "x")])).transcriptionId);
    const theirs = (await importSegments(other, [seg("A", 0, 1, "x")])).transcriptionId;
    const res = await org.api("/api/v1/transcriptions/bulk-delete", {
      method: "POST",
      json: { transcriptionIds: [mine[0], mine[1], theirs, "trn_unknown"] },
    });
    expect(res.status).toBe(204);
    await expect.poll(() => rowCount(org.id), { timeout: 10_000 }).toBe(1);
    expect(await rowCount(other.id)).toBe(1);
    expect(await pageRows(mine[0] as string)).toEqual([]);
    expect(await pageRows(theirs)).toHaveLength(1);
    const tooMany = await org.api("/api/v1/transcriptions/bulk-delete", {
      method: "POST",
      json: { transcriptionIds: Array.from({ length: 101 }, (_, i) => `trn_${i}`) },
    });
    expect(tooMany.status).toBe(400);
  });
});

describe("tenancy and scopes", () => {
  it("404s another organization's transcription on every route, DELETE too (and leaves it alone)", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const { transcriptionId } = await importSegments(org, [seg("A", 0, 1, "x")]);
    const base = `/api/v1/transcriptions/${transcriptionId}`;
    for (const [method, path, json] of [
      ["GET", base, undefined],
      ["GET", `${base}/transcript?format=md`, undefined],
      ["GET", `${base}/insights`, undefined],
      ["GET", `${base}/access-link`, undefined],
      ["PUT", `${base}/speakers`, { A: "Ann" }],
    ] as const) {
      const res = await other.api(path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await problem(res)).code).toBe("not_found");
    }
    expect((await other.api(base, { method: "DELETE" })).status).toBe(404);
    expect((await org.api(base)).status).toBe(200);
    const list = (await (await other.api("/api/v1/transcriptions")).json()) as { results: unknown[] };
    expect(list.results).toEqual([]);
  });

  it("needs read for GET and write for POST, PUT and DELETE", async () => {
    const org = await createOrg();
    const { transcriptionId } = await importSegments(org, [seg("A", 0, 1, "x")]);
    const readKey = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "r", scopes: ["read"] } });
    const writeKey = await org.api("/api/v1/api-keys", { method: "POST", json: { name: "w", scopes: ["write"] } });
    const reader = { ...org, key: ((await readKey.json()) as { key: string }).key };
    const writer = { ...org, key: ((await writeKey.json()) as { key: string }).key };
    const as = (who: { key: string }, path: string, init: RequestInit & { json?: unknown } = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${who.key}`);
      if (init.json !== undefined) headers.set("content-type", "application/json");
      return fetchWorker(path, {
        ...init,
        headers,
        body: init.json === undefined ? init.body : JSON.stringify(init.json),
      });
    };
    const base = `/api/v1/transcriptions/${transcriptionId}`;
    const writes: [string, string, unknown][] = [
      ["POST", "/api/v1/transcriptions", { segments: [seg("A", 0, 1, "x")] }],
      ["POST", "/api/v1/transcriptions/bulk-delete", { transcriptionIds: ["trn_x"] }],
      ["PUT", `${base}/speakers`, { A: "Ann" }],
      ["DELETE", base, undefined],
    ];
    for (const [method, path, json] of writes) {
      expect((await as(reader, path, { method, json })).status, `${method} ${path}`).toBe(403);
    }
    for (const path of [
      "/api/v1/transcriptions",
      base,
      `${base}/insights`,
      `${base}/access-link`,
      `${base}/transcript`,
    ]) {
      expect((await as(writer, path)).status, path).toBe(403);
    }
    expect((await as(reader, base)).status).toBe(200);
  });
});

async function fetchWorker(path: string, init: RequestInit) {
  const { call } = await import("./helpers");
  return call(path, init);
}
