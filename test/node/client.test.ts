import {
  createParleyClient,
  type ParleyClient,
  ParleyError,
  verifyWebhook,
  type WebhookEvent,
  WebhookVerificationError,
} from "@parley/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker } from "../../bench/local-worker.mjs";
import { startReceiver } from "../../scripts/webhook-receiver.mjs";
import { EVENT_DATA, type EventType } from "../../src/contracts/events";
import { pcmWav } from "../wav";

/**
 * The typed client (clients/typescript, imported from its sources) against a real local worker: `wrangler dev`
 * on a free port with its own state, as `npm run dev` runs it, and a real webhook receiver.
 */
type Delivery = { headers: Record<string, string>; body: string };

let worker: Awaited<ReturnType<typeof startLocalWorker>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const deliveries: Delivery[] = [];
let admin: ParleyClient;
let client: ParleyClient;
/**
 * An organization with a tiny point budget, spent in `beforeAll`; its next request (started there too) is refused
 * with a Retry-After of up to a minute, which the client waits out while the other tests run.
 */
let tiny: {
  calls: { status: number; at: number; retryAfter: string | null }[];
  result: Promise<{ limit?: number | null; error?: unknown }>;
};

async function newOrganization(name: string, pointsPerMinute?: number) {
  const { data: org } = await admin.POST("/admin/v1/organizations", { body: { name, plan: "enterprise" } });
  if (pointsPerMinute !== undefined) {
    await admin.PATCH("/admin/v1/organizations/{organizationId}", {
      params: { path: { organizationId: org.id } },
      body: { limits: { pointsPerMinute } },
    });
  }
  const { data: key } = await admin.POST("/admin/v1/organizations/{organizationId}/api-keys", {
    params: { path: { organizationId: org.id } },
    body: { name: "client test" },
  });
  return key.key;
}

async function eventually<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const endDate = () => new Date(Date.now() + 60 * 60 * 1000).toISOString();

beforeAll(async () => {
  receiver = await startReceiver({
    onDelivery: (_name, delivery) => {
      deliveries.push({ headers: delivery.headers as Record<string, string>, body: delivery.body });
    },
  });
  worker = await startLocalWorker({ vars: { ALLOW_INSECURE_WEBHOOKS: "true", OPENAI_API_KEY: "" } });
  admin = createParleyClient({ baseUrl: worker.base, apiKey: worker.adminToken });
  client = createParleyClient({ baseUrl: worker.base, apiKey: await newOrganization("Client test") });

  const calls: typeof tiny.calls = [];
  const tinyKey = await newOrganization("Tiny budget", 3);
  const spender = createParleyClient({ baseUrl: worker.base, apiKey: tinyKey, retry: false });
  for (let i = 0; i < 3; i++) await spender.GET("/api/v1/organization");
  const patient = createParleyClient({
    baseUrl: worker.base,
    apiKey: tinyKey,
    retry: { maxAttempts: 3, maxWaitMs: 65_000 },
    fetch: async (request) => {
      const response = await fetch(request);
      calls.push({ status: response.status, at: Date.now(), retryAfter: response.headers.get("retry-after") });
      return response;
    },
  });
  const result = patient.GET("/api/v1/organization").then(
    ({ data }) => ({ limit: data.limits.pointsPerMinute }),
    (error: unknown) => ({ error }),
  );
  tiny = { calls, result };
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
});

describe("@parley/client against a local worker", () => {
  it("creates, reads and deletes a meeting (README flow), with an Idempotency-Key on the POST", async () => {
    const sent: Request[] = [];
    const recording = createParleyClient({
      baseUrl: worker.base,
      apiKey: (await newOrganization("Idempotency")) as string,
      fetch: (request) => {
        sent.push(request.clone());
        return fetch(request);
      },
    });
    const { data: meeting, response } = await recording.POST("/api/v1/meetings", {
      body: { endDate: endDate(), roomNamePrefix: "standup", fields: ["hostRoomUrl"] },
    });
    expect(response.status).toBe(201);
    expect(meeting.roomName.startsWith("/standup-")).toBe(true);
    expect(meeting.hostRoomUrl).toContain("roomKey=");
    const key = sent[0]?.headers.get("idempotency-key") ?? "";
    expect(key).toMatch(/^[0-9a-f-]{36}$/);

    const { data: again } = await recording.GET("/api/v1/meetings/{meetingId}", {
      params: { path: { meetingId: meeting.meetingId } },
    });
    expect(again.meetingId).toBe(meeting.meetingId);
    expect(sent[1]?.headers.get("idempotency-key")).toBeNull(); // GETs take none

    // An explicit key is kept: the same request again is the stored answer.
    const body = { endDate: endDate() };
    const first = await recording.POST("/api/v1/meetings", { body, headers: { "Idempotency-Key": "order-42" } });
    const replay = await recording.POST("/api/v1/meetings", { body, headers: { "Idempotency-Key": "order-42" } });
    expect(replay.data.meetingId).toBe(first.data.meetingId);
    expect(replay.response.headers.get("idempotent-replayed")).toBe("true");

    const deleted = await recording.DELETE("/api/v1/meetings/{meetingId}", {
      params: { path: { meetingId: meeting.meetingId } },
    });
    expect(deleted.response.status).toBe(204);
  });

  it("uploads a recording, imports a transcript and summarises it (README flows)", async () => {
    const { data: meeting } = await client.POST("/api/v1/meetings", { body: { endDate: endDate() } });
    const wav = pcmWav(2);
    const { data: recording } = await client.POST("/api/v1/recordings", {
      params: { query: { filename: "standup.wav", meetingId: meeting.meetingId } },
      body: new Blob([wav]),
      headers: { "Content-Type": "audio/wav" },
    });
    expect(recording).toMatchObject({ status: "ready", sizeInBytes: wav.byteLength, meetingId: meeting.meetingId });

    const { data: transcription } = await client.POST("/api/v1/transcriptions", {
      body: {
        meetingId: meeting.meetingId,
        segments: [
          { speaker: "Alice", start: 0, end: 4, text: "Shall we start with the launch plan?" },
          { speaker: "Bob", start: 4, end: 9, text: "We decided to open the beta on March 3." },
          { speaker: "Bob", start: 9, end: 13, text: "I will send the invitations to ten customers by Friday." },
        ],
      },
    });
    expect(transcription).toMatchObject({ type: "IMPORTED", state: "ready", speakers: ["Alice", "Bob"] });

    const { data: created } = await client.POST("/api/v1/summaries", {
      body: { transcriptionId: transcription.transcriptionId },
    });
    expect(created.state).toBe("in_progress");
    const summary = await eventually(async () => {
      const { data } = await client.GET("/api/v1/summaries/{summaryId}", {
        params: { path: { summaryId: created.summaryId } },
      });
      return data.state === "in_progress" ? undefined : data;
    }, "the summary");
    expect(summary.state).toBe("ready");
    expect(summary.model).toBe("parley-extractive");
    expect(summary.summary?.decisions.join(" ")).toContain("March 3");
  });

  it("verifies a real webhook delivery and returns the typed event; a tampered one is refused", async () => {
    const { data: endpoint } = await client.POST("/api/v1/webhooks", {
      body: { url: `${receiver.url}/hooks/client`, events: ["meeting.created"] },
    });
    const { data: meeting } = await client.POST("/api/v1/meetings", { body: { endDate: endDate() } });
    const delivery = await eventually(
      async () => deliveries.find((d) => d.body.includes(meeting.meetingId)),
      "the meeting.created delivery",
    );
    const event: WebhookEvent = verifyWebhook(delivery.body, delivery.headers, endpoint.secret);
    if (event.type !== "meeting.created") throw new Error(`unexpected ${event.type}`);
    expect(event.data.meetingId).toBe(meeting.meetingId); // typed: data is MeetingEventData here
    expect(event.data.roomName).toBe(meeting.roomName);

    // Also from a Headers object, and with the old and new secret during a rotation.
    expect(
      verifyWebhook(delivery.body, new Headers(delivery.headers), ["whsec_bm90IHRoaXMgb25l", endpoint.secret]).type,
    ).toBe("meeting.created");
    const tampered = delivery.body.replace(meeting.meetingId, "mtg_someoneElse0000000000");
    expect(() => verifyWebhook(tampered, delivery.headers, endpoint.secret)).toThrow(WebhookVerificationError);
  });

  it("iterates over 120 meetings across cursor pages", async () => {
    const pager = createParleyClient({ baseUrl: worker.base, apiKey: await newOrganization("Pagination") });
    const created: string[] = [];
    for (let batch = 0; batch < 12; batch++) {
      const made = await Promise.all(
        Array.from({ length: 10 }, () => pager.POST("/api/v1/meetings", { body: { endDate: endDate() } })),
      );
      created.push(...made.map(({ data }) => data.meetingId));
    }
    const pages: number[] = [];
    const counting = createParleyClient({
      baseUrl: worker.base,
      apiKey: (await pager.POST("/api/v1/api-keys", { body: { name: "reader" } })).data.key,
      fetch: (request) => {
        pages.push(1);
        return fetch(request);
      },
    });
    const seen: string[] = [];
    for await (const meeting of counting.paginate("/api/v1/meetings", { query: { limit: 50 } })) {
      seen.push(meeting.meetingId);
    }
    expect(pages.length).toBe(3);
    expect(seen.length).toBe(120);
    expect(new Set(seen)).toEqual(new Set(created));
  });

  it("surfaces a problem as a ParleyError with its code, status, errors and request id", async () => {
    const failure = await client
      .POST("/api/v1/meetings", { body: { endDate: "2020-01-01T00:00:00Z", roomMode: "huge" as "group" } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ParleyError);
    const problem = failure as ParleyError;
    expect(problem).toMatchObject({ status: 400, code: "validation_error", title: expect.any(String) });
    expect(problem.errors.map((e) => e.location).sort()).toEqual(["body.endDate", "body.roomMode"]);
    expect(problem.requestId).toMatch(/^req_/);
    expect(problem.requestId).toBe(problem.response.headers.get("x-request-id"));

    const missing = await client
      .GET("/api/v1/recordings/{recordingId}", { params: { path: { recordingId: "rec_doesNotExist000000000000" } } })
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404, code: "not_found" });
  });

  it("emits events whose data matches the document's webhook schemas", async () => {
    const seen = new Set<string>();
    for await (const event of client.paginate("/api/v1/events", { query: { limit: 100 } })) {
      const schema = EVENT_DATA[event.type as EventType];
      expect(schema.strict().safeParse(event.data).error, event.type).toBeUndefined();
      seen.add(event.type);
    }
    expect([...seen]).toEqual(expect.arrayContaining(["meeting.created", "recording.finished", "summary.finished"]));
  });

  it("retries a 429 after its Retry-After (bounded), then succeeds", async () => {
    expect(await tiny.result).toEqual({ limit: 3 });
    const refusals = tiny.calls.slice(0, -1);
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    expect(refusals.every((call) => call.status === 429)).toBe(true);
    expect(tiny.calls.at(-1)?.status).toBe(200);
    refusals.forEach((refused, i) => {
      const retryAfter = Number(refused.retryAfter);
      expect(retryAfter).toBeGreaterThan(0);
      // The next attempt went out no earlier than the Retry-After of the refusal before it.
      expect((tiny.calls[i + 1]?.at ?? 0) - refused.at).toBeGreaterThanOrEqual(retryAfter * 1000 - 50);
    });

    // Beyond maxAttempts (or maxWaitMs) the 429 itself is the answer, as a ParleyError.
    const impatient = createParleyClient({
      baseUrl: worker.base,
      apiKey: await newOrganization("Impatient", 3),
      retry: { maxWaitMs: 1_000 },
    });
    for (let i = 0; i < 3; i++) await impatient.GET("/api/v1/organization");
    const limited = await impatient.GET("/api/v1/organization").catch((error: unknown) => error);
    expect(limited).toMatchObject({ status: 429, code: "rate_limited" });
    expect((limited as ParleyError).retryAfter).toBeGreaterThan(1);
  }, 90_000);
});
