import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deleteExpiredExports, resumeExports } from "../src/cron/export-retention";
import worker from "../src/index";
import { sha256Hex } from "../src/lib/crypto";
import { consumeStorageJobs } from "../src/queues/consumers/storage-jobs";
import { signFileToken } from "../src/services/access-links";
import { DOCUMENT_KEYS } from "../src/services/export-document";
import { EXPORT_LIMITS, type ExportLimits } from "../src/services/export-writer";
import { EXPORT_MAX_ATTEMPTS } from "../src/services/exports";
import { exportKey } from "../src/storage/keys";
import { invite, signedInMember } from "./dashboard-helpers";
import { call, captureErrorLogs, createMeeting, createOrg, env, media, problem, type TestOrg } from "./helpers";
import { eventsFor, MIN, post } from "./room-events-helpers";
import { importSegments, seg } from "./transcription-helpers";

type ExportBody = {
  exportId: string;
  state: string;
  createdAt: string;
  completedAt: string | null;
  sizeInBytes: number | null;
  accessLink: string | null;
  expires: string;
};
type Document = Record<string, unknown> & Record<string, Record<string, unknown>[]>;

const FILE_TOKEN_SECRET = "test-file-token-secret-0123456789abcdef";

/** Everything an organization can hold, through the API (and D1 for what only AI jobs or the audit log write). */
async function seedOrg(org: TestOrg, tag: string) {
  const meeting = (await createMeeting(org, { metadata: `meeting of ${tag}`, fields: ["hostRoomUrl"] })).body;
  for (let i = 0; i < 4; i++) await createMeeting(org, { metadata: `${tag} #${i} — Grüße 👋` });
  const roomName = meeting.roomName.slice(1);
  const theme = await org.api(`/api/v1/rooms/${roomName}/theme/tokens`, {
    method: "PUT",
    json: { tokens: { colors: { primary: "#112233" } } },
  });
  expect(theme.status).toBe(204);
  const recording = await org.api(`/api/v1/recordings?filename=${tag}.webm&meetingId=${meeting.meetingId}`, {
    method: "POST",
    headers: { "content-type": "video/webm" },
    body: media(2000),
  });
  expect(recording.status).toBe(201);
  const transcripts = [];
  for (let t = 0; t < 3; t++) {
    const segments = Array.from({ length: 7 }, (_, i) =>
      seg(i % 2 ? "A" : "B", i, i + 1, `${tag} said ${i}: Ünïcödé ✓ ${"x".repeat(i * 40)}`),
    );
    transcripts.push(await importSegments(org, segments, { meetingId: meeting.meetingId }));
  }
  const first = transcripts[0]?.transcriptionId as string;
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO summaries (id, org_id, transcription_id, room_name, state, template, language, result, model, created_at, modified_at)
       VALUES (?, ?, ?, NULL, 'ready', 'general', 'en', ?, 'extractive', ?, ?)`,
    ).bind(`sum_${tag}`, org.id, first, JSON.stringify({ summary: `summary of ${tag}` }), Date.now(), Date.now()),
    env.DB.prepare(
      `INSERT INTO ai_results (transcription_id, org_id, kind, params_hash, result, model, generated_at)
       VALUES (?, ?, 'keypoints', 'h1', ?, 'extractive', ?)`,
    ).bind(first, org.id, JSON.stringify({ keyPoints: [`point of ${tag}`] }), Date.now()),
    env.DB.prepare(
      `INSERT INTO audit_log (id, org_id, key_id, actor_type, method, route, object_id, status, request_id, created_at)
       VALUES (?, ?, ?, 'api', 'POST', '/api/v1/meetings', ?, 201, 'req_1', ?)`,
    ).bind(`aud_${tag}`, org.id, org.keyId, meeting.meetingId, Date.now()),
  ]);
  // Everyone leaves, so no figure of the document depends on when it is written.
  const ev = eventsFor(meeting.roomName, Date.now() - 30 * MIN);
  await post(org, [
    ev.join("p1", 0, { displayName: `Zoë ${tag}`, externalId: `ext-${tag}` }),
    ev.join("p2", 1),
    ev.leave("p1", 5),
    ev.leave("p2", 6),
  ]);
  const webhook = await org.api("/api/v1/webhooks", {
    method: "POST",
    json: { url: "https://hooks.example.com/parley", events: ["*"] },
  });
  expect(webhook.status).toBe(201);
  const keyHash = await sha256Hex(org.key);
  // Dashboard people (SPEC §11): a signed-in member and a pending invitation.
  const member = await signedInMember(org.id, "owner");
  const invitee = `invitee-${tag}-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const invitation = await invite(org.id, invitee, "agent");
  const hashes = await env.DB.prepare(
    `SELECT password_hash AS h FROM members WHERE org_id = ?1
     UNION ALL SELECT token_hash FROM dashboard_sessions WHERE org_id = ?1
     UNION ALL SELECT token_hash FROM invitations WHERE org_id = ?1`,
  )
    .bind(org.id)
    .all<{ h: string }>();
  expect(hashes.results).toHaveLength(4);
  return {
    meeting,
    transcriptIds: transcripts.map((t) => t.transcriptionId),
    member: member.email,
    invitee,
    secrets: [
      ...hashes.results.map((r) => r.h),
      member.browser.token as string,
      invitation.token,
      org.key,
      keyHash,
      ((await webhook.json()) as { secret: string }).secret,
      (meeting.hostRoomUrl as string).split("roomKey=")[1] as string,
    ],
  };
}

/** The worker's environment with the `storage-jobs` queue captured: the test hands each message to the consumer. */
function capturedQueue(bucket: R2Bucket = env.RECORDINGS) {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (messages: { body: unknown }[]) => void sent.push(...messages.map((m) => m.body)),
  };
  const testEnv: Env = {
    ...env,
    RECORDINGS: bucket,
    STORAGE_JOBS_QUEUE: queue as unknown as Env["STORAGE_JOBS_QUEUE"],
  };
  return { sent, env: testEnv };
}

async function startExport(org: TestOrg, testEnv: Env): Promise<ExportBody> {
  const request = new Request("https://parley.test/api/v1/exports", {
    method: "POST",
    headers: { authorization: `Bearer ${org.key}` },
  });
  const res = await worker.fetch(request, testEnv, createExecutionContext());
  expect(res.status).toBe(202);
  return (await res.json()) as ExportBody;
}

/** Delivers one message to the storage-jobs consumer; its acks and retries. */
async function deliver(testEnv: Env, body: unknown, limits: ExportLimits, attempts = 1) {
  const batch = createMessageBatch("storage-jobs", [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body },
  ]);
  const ctx = createExecutionContext();
  await consumeStorageJobs(batch as MessageBatch, testEnv, limits);
  return getQueueResult(batch, ctx);
}

/**
 * Runs captured messages until none is left (a retried one goes back in the queue), each delivered
 * `deliveries` times in a row (at-least-once). The number of first deliveries.
 */
async function drain(q: ReturnType<typeof capturedQueue>, limits: ExportLimits, deliveries = 1) {
  let invocations = 0;
  const pending = q.sent.splice(0).map((body) => ({ body, attempts: 1 }));
  while (pending.length > 0) {
    if (invocations > 500) throw new Error("the export does not end");
    const { body, attempts } = pending.shift() as { body: unknown; attempts: number };
    invocations += 1;
    for (let d = 0; d < deliveries; d++) {
      const result = await deliver(q.env, body, limits, attempts);
      if (result.retryMessages.length > 0) pending.push({ body, attempts: attempts + 1 });
    }
    pending.push(...q.sent.splice(0).map((next) => ({ body: next, attempts: 1 })));
  }
  return invocations;
}

async function storedText(orgId: string, exportId: string) {
  const object = await env.RECORDINGS.get(exportKey(orgId, exportId));
  expect(object).not.toBeNull();
  return (object as R2ObjectBody).text();
}

async function exportRow(exportId: string) {
  return env.DB.prepare("SELECT state, size_in_bytes, progress FROM data_exports WHERE id = ?")
    .bind(exportId)
    .first<{ state: string; size_in_bytes: number | null; progress: string | null }>();
}

async function readyExport(org: TestOrg, exportId: string): Promise<ExportBody> {
  let body: ExportBody | undefined;
  await expect
    .poll(
      async () => {
        body = (await (await org.api(`/api/v1/exports/${exportId}`)).json()) as ExportBody;
        return body.state;
      },
      { timeout: 15_000 },
    )
    .toBe("ready");
  return body as ExportBody;
}

/**
 * Limits that split a test organization's export across messages and parts. Parts cannot be smaller than
 * R2's 5 MiB (the local R2 enforces it too), so that organization holds a transcript of ~12 MB.
 */
const SMALL: ExportLimits = { partBytes: 5 * 1024 * 1024, partsPerInvocation: 1, timeBudgetMs: 60_000, pageRows: 2 };

/** A ready transcription of 36 stored pages of 50 long segments with multi-byte text: ~12 MB of JSON. */
async function seedLongTranscript(orgId: string) {
  const id = `trn_long${crypto.randomUUID().replaceAll("-", "")}`;
  const text = (i: number) => `${i} ${"Grüße 👋 ".repeat(550)}`;
  const statements = [
    env.DB.prepare(
      `INSERT INTO transcriptions (id, org_id, type, state, segment_count, speaker_labels, speaker_names, created_at)
       VALUES (?, ?, 'IMPORTED', 'ready', 1800, '["A","B"]', '{"B":"Bea"}', ?)`,
    ).bind(id, orgId, Date.now()),
  ];
  for (let page = 0; page < 36; page++) {
    const segments = Array.from({ length: 50 }, (_, i) => {
      const n = page * 50 + i;
      return [n % 3 ? "A" : "B", n, n + 1, text(n)];
    });
    statements.push(
      env.DB.prepare(
        "INSERT INTO transcript_segment_pages (transcription_id, org_id, page, first_index, segments) VALUES (?, ?, ?, ?, ?)",
      ).bind(id, orgId, page, page * 50, JSON.stringify(segments)),
    );
  }
  await env.DB.batch(statements);
}

// Each test seeds organizations and waits for real queue jobs: slow on a loaded machine, never wrong.
describe("data export", { timeout: 60_000 }, () => {
  it("writes every section of the organization's data, no other organization's and no secret, downloadable through its link", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const mine = await seedOrg(org, "alpha");
    const theirs = await seedOrg(other, "bravo");

    const res = await org.api("/api/v1/exports", { method: "POST" });
    expect(res.status).toBe(202);
    const started = (await res.json()) as ExportBody;
    expect(started).toEqual({
      exportId: expect.stringMatching(/^exp_/),
      state: "in_progress",
      createdAt: expect.any(String),
    });
    expect(res.headers.get("location")).toBe(`/api/v1/exports/${started.exportId}`);

    const ready = await readyExport(org, started.exportId);
    expect(Date.parse(ready.expires) - Date.parse(ready.createdAt)).toBe(7 * 24 * 3_600_000);
    expect(ready.completedAt).not.toBeNull();
    const link = new URL(ready.accessLink as string);
    expect(link.pathname).toBe(`/files/exports/${started.exportId}`);

    const download = await call(link.pathname + link.search);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/json");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
    const text = await download.text();
    expect(new TextEncoder().encode(text).byteLength).toBe(ready.sizeInBytes);
    const doc = JSON.parse(text) as Document;

    expect(Object.keys(doc)).toEqual(DOCUMENT_KEYS);
    expect(DOCUMENT_KEYS).toEqual(
      expect.arrayContaining([
        "exportedAt",
        "organization",
        "apiKeys",
        "meetings",
        "roomThemes",
        "recordings",
        "transcriptions",
        "summaries",
        "aiResults",
        "roomEvents",
        "roomSessions",
        "webhooks",
        "events",
        "auditLog",
        "members",
        "invitations",
      ]),
    );
    expect((doc.organization as unknown as { id: string }).id).toBe(org.id);
    for (const key of DOCUMENT_KEYS.slice(2)) expect(doc[key]?.length, key).toBeGreaterThan(0);
    expect(doc.meetings).toHaveLength(5);
    expect(doc.meetings?.map((m) => m.meetingId)).toContain(mine.meeting.meetingId);
    expect(doc.transcriptions?.map((t) => t.transcriptionId)).toEqual(mine.transcriptIds);
    const segments = doc.transcriptions?.[0]?.segments as { text: string; speaker: string }[];
    expect(segments).toHaveLength(7);
    expect(segments[3]?.text).toBe(`alpha said 3: Ünïcödé ✓ ${"x".repeat(120)}`);
    expect(doc.roomParticipants?.map((p) => p.displayName)).toContain("Zoë alpha");
    expect(doc.apiKeys?.map((k) => k.id)).toEqual([org.keyId]);
    expect(doc.members).toEqual([
      {
        id: expect.stringMatching(/^mem_/),
        name: expect.any(String),
        email: mine.member,
        role: "owner",
        createdAt: expect.any(String),
      },
    ]);
    expect(doc.invitations?.map(({ email, role, status }) => ({ email, role, status }))).toEqual([
      { email: mine.member, role: "owner", status: "accepted" },
      { email: mine.invitee, role: "agent", status: "pending" },
    ]);
    expect(Object.keys(doc.invitations?.[1] ?? {})).toEqual([
      "invitationId",
      "email",
      "role",
      "status",
      "createdAt",
      "expiresAt",
      "acceptedAt",
    ]);

    // Nothing of the other organization, and no secret of either.
    for (const foreign of [other.id, theirs.meeting.meetingId, ...theirs.transcriptIds, "bravo"]) {
      expect(text).not.toContain(foreign);
    }
    for (const secret of [...mine.secrets, ...theirs.secrets, "whsec_", FILE_TOKEN_SECRET]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/keyHash|key_hash|"secret"|roomKey|viewerKey/);

    // The download (no API key: the signed link) is in the audit log (SPEC §9), after the response.
    type Entry = { keyId: string | null; method: string; route: string; objectId: string | null; status: number };
    let downloads: Entry[] = [];
    for (let i = 0; i < 100 && downloads.length === 0; i++) {
      const log = (await (await org.api("/api/v1/audit-log?method=GET")).json()) as { results: Entry[] };
      downloads = log.results;
      if (downloads.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(downloads.map((e) => [e.method, e.route, e.objectId, e.status, e.keyId])).toEqual([
      ["GET", "/files/exports/{exportId}", started.exportId, 200, null],
    ]);
  });

  it("writes the same document in many small invocations and parts as in one, also when messages are redelivered or fail midway", async () => {
    const org = await createOrg();
    await seedOrg(org, "gamma");
    await seedLongTranscript(org.id);

    const once = capturedQueue();
    const single = await startExport(org, once.env);
    expect(await drain(once, EXPORT_LIMITS)).toBe(1);
    const singleText = await storedText(org.id, single.exportId);

    // R2 fails one part upload: the step is retried from its saved progress.
    const logged = captureErrorLogs();
    let uploads = 0;
    const flaky = new Proxy(env.RECORDINGS, {
      get(target, property) {
        if (property === "resumeMultipartUpload") {
          return (key: string, uploadId: string) => {
            const upload = target.resumeMultipartUpload(key, uploadId);
            return {
              uploadPart: async (n: number, value: Uint8Array) => {
                if (++uploads === 2) throw new Error("R2 is unavailable");
                return upload.uploadPart(n, value);
              },
              complete: (parts: R2UploadedPart[]) => upload.complete(parts),
              abort: () => upload.abort(),
            };
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const many = capturedQueue(flaky);
    const split = await startExport(org, many.env);
    const invocations = await drain(many, SMALL, 2);
    expect(uploads).toBeGreaterThan(3);
    expect(logged()).toEqual([expect.objectContaining({ kind: "exports.write.v1", error: "R2 is unavailable" })]);
    const splitText = await storedText(org.id, split.exportId);

    const row = await exportRow(split.exportId);
    const done = JSON.parse(row?.progress ?? "{}") as { invocations: number; parts: number };
    expect(row?.state).toBe("ready");
    expect(done.parts).toBe(3);
    expect(done.invocations).toBe(3);
    expect(invocations).toBe(done.invocations + 1); // and the failed delivery, retried
    expect(row?.size_in_bytes).toBe(new TextEncoder().encode(splitText).byteLength);
    // Compared by digest: a diff of two ~12 MB documents helps no one. The audit log is left out: the second
    // export's document also holds the first export's request, whose audit row is written after its response.
    const withoutAuditLog = (text: string) => {
      const { auditLog: _, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return JSON.stringify(rest);
    };
    expect(await sha256Hex(withoutAuditLog(splitText.replace(split.createdAt, single.createdAt)))).toBe(
      await sha256Hex(withoutAuditLog(singleText)),
    );
  });

  it("sends a lost hand-over again once the export has not advanced for 10 minutes", async () => {
    const org = await createOrg();
    await createMeeting(org);
    const q = capturedQueue();
    const started = await startExport(org, q.env);
    q.sent.splice(0); // the message is lost
    const createdAt = Date.parse(started.createdAt);
    const mine = () => q.sent.filter((m) => (m as { exportId: string }).exportId === started.exportId);

    await resumeExports(q.env, createdAt + 10 * MIN - 1);
    expect(mine()).toEqual([]);
    await resumeExports(q.env, createdAt + 10 * MIN + 1);
    expect(mine()).toEqual([{ kind: "exports.write.v1", orgId: org.id, exportId: started.exportId, step: 0 }]);
    q.sent.splice(0, q.sent.length, ...mine());
    await drain(q, EXPORT_LIMITS);
    expect((await exportRow(started.exportId))?.state).toBe("ready");
  });

  it("fails an export whose writing keeps failing, aborting its upload", async () => {
    const org = await createOrg();
    await createMeeting(org);
    captureErrorLogs();
    const broken = new Proxy(env.RECORDINGS, {
      get(target, property) {
        if (property === "resumeMultipartUpload") {
          return (key: string, uploadId: string) => {
            const upload = target.resumeMultipartUpload(key, uploadId);
            return {
              uploadPart: async () => {
                throw new Error("R2 is unavailable");
              },
              complete: (parts: R2UploadedPart[]) => upload.complete(parts),
              abort: () => upload.abort(),
            };
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const q = capturedQueue(broken);
    const started = await startExport(org, q.env);
    const message = q.sent[0];
    const retried = await deliver(q.env, message, EXPORT_LIMITS, 1);
    expect(retried.retryMessages).toHaveLength(1);
    const { uploadId } = JSON.parse((await exportRow(started.exportId))?.progress ?? "{}") as { uploadId: string };
    const last = await deliver(q.env, message, EXPORT_LIMITS, EXPORT_MAX_ATTEMPTS);
    expect(last.explicitAcks).toHaveLength(1);

    const res = await org.api(`/api/v1/exports/${started.exportId}`);
    expect(((await res.json()) as ExportBody).state).toBe("failed");
    const upload = env.RECORDINGS.resumeMultipartUpload(exportKey(org.id, started.exportId), uploadId);
    await expect(upload.uploadPart(1, "x")).rejects.toThrow();
    // A later delivery of the same message does nothing.
    expect((await deliver(q.env, message, EXPORT_LIMITS)).explicitAcks).toHaveLength(1);
    expect((await exportRow(started.exportId))?.state).toBe("failed");
  });

  it("lists exports newest first, honours Idempotency-Key, and keeps them from other organizations and keys without admin", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const headers = { "idempotency-key": "export-once" };
    const first = (await (await org.api("/api/v1/exports", { method: "POST", headers })).json()) as ExportBody;
    const again = (await (await org.api("/api/v1/exports", { method: "POST", headers })).json()) as ExportBody;
    expect(again.exportId).toBe(first.exportId);
    const second = (await (await org.api("/api/v1/exports", { method: "POST" })).json()) as ExportBody;
    await readyExport(org, second.exportId);

    const page1 = (await (await org.api("/api/v1/exports?limit=1")).json()) as {
      results: ExportBody[];
      cursor: string;
    };
    expect(page1.results.map((e) => e.exportId)).toEqual([second.exportId]);
    const page2 = (await (await org.api(`/api/v1/exports?limit=1&cursor=${page1.cursor}`)).json()) as {
      results: ExportBody[];
      cursor: string | null;
    };
    expect(page2.results.map((e) => e.exportId)).toEqual([first.exportId]);
    expect(page2.cursor).toBeNull();

    expect((await other.api(`/api/v1/exports/${first.exportId}`)).status).toBe(404);
    expect(((await (await other.api("/api/v1/exports")).json()) as { results: unknown[] }).results).toEqual([]);

    const reader = await createOrg("professional", { scopes: ["read", "write"] });
    for (const [method, path] of [
      ["POST", "/api/v1/exports"],
      ["GET", "/api/v1/exports"],
      ["GET", `/api/v1/exports/${first.exportId}`],
    ] as const) {
      const res = await reader.api(path, { method });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });

  it("refuses tampered, expired and other-kind links with 403", async () => {
    const org = await createOrg();
    const started = (await (await org.api("/api/v1/exports", { method: "POST" })).json()) as ExportBody;
    const ready = await readyExport(org, started.exportId);
    const link = new URL(ready.accessLink as string);
    const token = link.searchParams.get("token") as string;
    const path = link.pathname;
    expect((await call(`${path}?token=${token}`)).status).toBe(200);

    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    const expired = await signFileToken(FILE_TOKEN_SECRET, started.exportId, Date.now() - 1, "export");
    const recordingToken = await signFileToken(FILE_TOKEN_SECRET, started.exportId, Date.now() + 60_000);
    const transcriptToken = await signFileToken(FILE_TOKEN_SECRET, started.exportId, Date.now() + 60_000, "transcript");
    for (const bad of [tampered, expired, recordingToken, transcriptToken]) {
      const res = await call(`${path}?token=${bad}`);
      expect(res.status).toBe(403);
      expect((await problem(res)).code).toBe("forbidden");
    }
    const otherExport = await signFileToken(FILE_TOKEN_SECRET, "exp_someoneElse", Date.now() + 60_000, "export");
    expect((await call(`${path}?token=${otherExport}`)).status).toBe(403);
  });

  it("deletes exports, document and record, 7 days after they were asked for", async () => {
    const org = await createOrg();
    const started = (await (await org.api("/api/v1/exports", { method: "POST" })).json()) as ExportBody;
    await readyExport(org, started.exportId);
    const createdAt = Date.parse(started.createdAt);
    const week = 7 * 24 * 3_600_000;

    await deleteExpiredExports(env, createdAt + week - 1);
    expect((await org.api(`/api/v1/exports/${started.exportId}`)).status).toBe(200);
    expect(await env.RECORDINGS.head(exportKey(org.id, started.exportId))).not.toBeNull();

    await deleteExpiredExports(env, createdAt + week);
    expect((await org.api(`/api/v1/exports/${started.exportId}`)).status).toBe(404);
    expect(await env.RECORDINGS.head(exportKey(org.id, started.exportId))).toBeNull();
  });
});
