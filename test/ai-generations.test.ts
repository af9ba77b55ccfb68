import { describe, expect, it } from "vitest";
import { createOrg, env, problem, type TestOrg } from "./helpers";
import { aiEnvironment, seg } from "./transcription-helpers";
import { pcmWav } from "./wav";

type Json = Record<string, unknown>;
type Ai = ReturnType<typeof aiEnvironment>;

/** Twelve alternating segments: Alice speaks 10 s each (60 s in all), Bob 4 s each (24 s). */
const conversation = (topic: string) =>
  Array.from({ length: 12 }, (_, i) =>
    i % 2 === 0
      ? seg("Speaker 1", i * 10, i * 10 + 10, `Alice on ${topic}, point ${i}: we will ship the beta by Friday.`)
      : seg("Speaker 2", i * 10, i * 10 + 4, `Bob on ${topic}, reply ${i}: I'll send the invitations?`),
  );

async function importTranscript(ai: Ai, org: TestOrg, segments: unknown[]) {
  const res = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { segments } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { transcriptionId: string }).transcriptionId;
}

async function aiUsage(org: TestOrg) {
  const body = (await (await org.api("/api/v1/organization")).json()) as {
    usage: { aiGenerations: { used: number; remaining: number | null; resetAt: string } };
  };
  return body.usage.aiGenerations;
}

/** Chat requests the fake server received for this tag whose messages contain `match`. */
async function chatRequests(ai: Ai, match: string) {
  const res = await fetch(`${ai.base}/__fake/requests?route=chat&match=${encodeURIComponent(match)}`);
  return (await res.json()) as { messages: { role: string; content: string }[]; model: string }[];
}

/** A chat completion answering with `content` verbatim, as the fake sends programmed bodies. */
const completion = (content: unknown) => ({
  id: "chatcmpl-test",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: JSON.stringify(content), refusal: null },
      finish_reason: "stop",
    },
  ],
});

describe("key points", () => {
  it("are 404 until generated, then cached: POST 201 once, then 200 cached and free; forceRefresh generates", async () => {
    const ai = aiEnvironment("gen-keypoints");
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("kp-cache"));
    const path = `/api/v1/transcriptions/${id}/keypoints`;
    const missing = await ai.fetch(org, path);
    expect(missing.status).toBe(404);
    expect((await problem(missing)).code).toBe("not_found");

    const created = await ai.fetch(org, path, { method: "POST" });
    expect(created.status, await created.clone().text()).toBe(201);
    const first = (await created.json()) as Json;
    expect(first).toMatchObject({ cached: false, model: env.OPENAI_TEXT_MODEL });
    expect(first).toHaveProperty("title");
    expect(first).toHaveProperty("importantDates");
    expect(new Date(first.generatedAt as string).toISOString()).toBe(first.generatedAt);
    expect((await aiUsage(org)).used).toBe(1);
    expect(await chatRequests(ai, "kp-cache")).toHaveLength(1);

    const got = await ai.fetch(org, path);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ ...first, cached: true });
    const again = await ai.fetch(org, path, { method: "POST", json: {} });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...first, cached: true });
    expect((await aiUsage(org)).used).toBe(1);
    expect(await chatRequests(ai, "kp-cache")).toHaveLength(1);

    const refreshed = await ai.fetch(org, path, { method: "POST", json: { forceRefresh: true } });
    expect(refreshed.status).toBe(201);
    expect(await refreshed.json()).toMatchObject({ cached: false });
    expect((await aiUsage(org)).used).toBe(2);
    expect(await chatRequests(ai, "kp-cache")).toHaveLength(2);
  });

  it("are generated afresh after a rename, from the transcript with the new names", async () => {
    const ai = aiEnvironment("gen-renames");
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("kp-rename"));
    const path = `/api/v1/transcriptions/${id}/keypoints`;
    expect((await ai.fetch(org, path, { method: "POST" })).status).toBe(201);
    const renamed = await ai.fetch(org, `/api/v1/transcriptions/${id}/speakers`, {
      method: "PUT",
      json: { "Speaker 1": "Alice Liddell" },
    });
    expect(renamed.status).toBe(200);
    expect((await ai.fetch(org, path)).status).toBe(404);
    expect((await ai.fetch(org, path, { method: "POST" })).status).toBe(201);
    const [, second] = await chatRequests(ai, "kp-rename");
    const user = second?.messages.find((m) => m.role === "user")?.content ?? "";
    expect(user).toContain("Alice Liddell: Alice on kp-rename, point 0");
    expect(user).not.toContain("Speaker 1:");
    expect((await ai.fetch(org, path)).status).toBe(200);
  });
});

describe("feedback", () => {
  it("defaults to the speaker with the most talk time; talkListenRatio comes from talk times", async () => {
    const ai = aiEnvironment("gen-feedback");
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("fb"));
    await ai.fetch(org, `/api/v1/transcriptions/${id}/speakers`, {
      method: "PUT",
      json: { "Speaker 1": "Alice", "Speaker 2": "Bob" },
    });
    const path = `/api/v1/transcriptions/${id}/feedback`;
    const byDefault = await ai.fetch(org, path, { method: "POST" });
    expect(byDefault.status, await byDefault.clone().text()).toBe(201);
    const alice = (await byDefault.json()) as Json;
    expect(alice).toMatchObject({ speakerName: "Alice", talkListenRatio: 2.5, cached: false });
    for (const score of [alice.overallScore, ...Object.values(alice.categoryScores as Json)]) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(10);
    }
    const bob = await ai.fetch(org, path, { method: "POST", json: { speakerName: "Bob" } });
    expect(bob.status).toBe(201);
    expect(await bob.json()).toMatchObject({ speakerName: "Bob", talkListenRatio: 0.4 });
    const [bobRequest] = await chatRequests(ai, "Bob on fb").then((all) => all.slice(1));
    expect(JSON.stringify(bobRequest?.messages)).toContain("Bob");

    const cachedBob = await ai.fetch(org, `${path}?speakerName=Bob`);
    expect(cachedBob.status).toBe(200);
    expect(await cachedBob.json()).toMatchObject({ speakerName: "Bob", cached: true });
    expect(await (await ai.fetch(org, path)).json()).toMatchObject({ speakerName: "Alice", cached: true });
    expect((await aiUsage(org)).used).toBe(2);
  });

  it("needs at least 10 segments and a known speaker (400), before any generation is used", async () => {
    const ai = aiEnvironment("gen-feedback-400");
    const org = await createOrg("professional");
    const short = await importTranscript(ai, org, conversation("fb-short").slice(0, 9));
    const tooShort = await ai.fetch(org, `/api/v1/transcriptions/${short}/feedback`, { method: "POST" });
    expect(tooShort.status).toBe(400);
    expect(await problem(tooShort)).toMatchObject({ code: "validation_error" });

    const id = await importTranscript(ai, org, conversation("fb-unknown"));
    const unknown = await ai.fetch(org, `/api/v1/transcriptions/${id}/feedback`, {
      method: "POST",
      json: { speakerName: "Carol" },
    });
    expect(unknown.status).toBe(400);
    expect((await problem(unknown)).errors).toEqual([
      { location: "body.speakerName", message: "Not a speaker of this transcript" },
    ]);
    const unknownGet = await ai.fetch(org, `/api/v1/transcriptions/${id}/feedback?speakerName=Carol`);
    expect(unknownGet.status).toBe(400);
    expect((await aiUsage(org)).used).toBe(0);
  });
});

describe("follow-up email", () => {
  it("is cached per recipient and tone (default professional); an unknown tone is 400", async () => {
    const ai = aiEnvironment("gen-email");
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("email"));
    const path = `/api/v1/transcriptions/${id}/email`;
    const first = await ai.fetch(org, path, { method: "POST" });
    expect(first.status, await first.clone().text()).toBe(201);
    const email = (await first.json()) as Json;
    expect(email).toMatchObject({ cached: false, model: env.OPENAI_TEXT_MODEL });
    expect(Object.keys(email)).toEqual(
      expect.arrayContaining(["subject", "body", "keyPoints", "actionItems", "generatedAt"]),
    );
    const sameDefault = await ai.fetch(org, path, { method: "POST", json: { tone: "professional" } });
    expect(sameDefault.status).toBe(200);
    const casual = await ai.fetch(org, path, { method: "POST", json: { tone: "casual", recipientName: "Dana" } });
    expect(casual.status).toBe(201);
    const [, casualRequest] = await chatRequests(ai, "Alice on email");
    expect(JSON.stringify(casualRequest?.messages)).toMatch(/casual/);
    expect(JSON.stringify(casualRequest?.messages)).toContain("Dana");
    const bad = await ai.fetch(org, path, { method: "POST", json: { tone: "sarcastic" } });
    expect(bad.status).toBe(400);
    expect((await problem(bad)).errors).toEqual([expect.objectContaining({ location: "body.tone" })]);
    const unknownField = await ai.fetch(org, path, { method: "POST", json: { tonee: "casual" } });
    expect(unknownField.status).toBe(400);
    expect((await aiUsage(org)).used).toBe(2);
  });
});

describe("questions about a transcript", () => {
  it("cite only real segments, as stored with renames applied; never cached", async () => {
    const ai = aiEnvironment("gen-query");
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("query"));
    await ai.fetch(org, `/api/v1/transcriptions/${id}/speakers`, { method: "PUT", json: { "Speaker 2": "Bob" } });
    await ai.program({
      route: "chat",
      match: "Alice on query",
      body: completion({
        response: "Bob sends them.",
        citedSegmentIndexes: [3, 99, 1, 3, 12],
        suggestedQueries: ["Who?"],
      }),
    });
    const path = `/api/v1/transcriptions/${id}/query`;
    const res = await ai.fetch(org, path, { method: "POST", json: { query: "Who sends the invitations?" } });
    expect(res.status, await res.clone().text()).toBe(201);
    const answer = (await res.json()) as Json;
    expect(answer).toMatchObject({
      query: "Who sends the invitations?",
      response: "Bob sends them.",
      suggestedQueries: ["Who?"],
      model: "gpt-4o-mini",
      citations: [
        { start: 30, end: 34, speaker: "Bob", text: "Bob on query, reply 3: I'll send the invitations?" },
        { start: 10, end: 14, speaker: "Bob", text: "Bob on query, reply 1: I'll send the invitations?" },
      ],
    });
    expect(answer.generatedAt).toEqual(expect.any(String));
    const again = await ai.fetch(org, path, { method: "POST", json: { query: "Who sends the invitations?" } });
    expect(again.status).toBe(201);
    expect((await aiUsage(org)).used).toBe(2);
  });

  it("take a query of 1–500 characters", async () => {
    const ai = aiEnvironment("gen-query-400");
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("q400"));
    const path = `/api/v1/transcriptions/${id}/query`;
    for (const json of [{}, { query: "" }, { query: "x".repeat(501) }, { query: "ok", extra: 1 }]) {
      const res = await ai.fetch(org, path, { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect((await aiUsage(org)).used).toBe(0);
  });
});

describe("the AI quota under load and failure", () => {
  it("admits exactly 10 of 50 concurrent generations on a starter organization", async () => {
    const ai = aiEnvironment("gen-concurrency");
    const org = await createOrg("starter", { limits: { pointsPerMinute: 1000 } });
    const id = await importTranscript(ai, org, conversation("burst"));
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        ai.fetch(org, `/api/v1/transcriptions/${id}/keypoints`, { method: "POST", json: { forceRefresh: true } }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    const refused = responses.find((r) => r.status === 429) as Response;
    const body = await problem(refused);
    const usage = await aiUsage(org);
    expect(body).toMatchObject({ code: "ai_limit_exceeded", resetAt: usage.resetAt });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(Date.now() + retryAfter * 1000 - Date.parse(usage.resetAt))).toBeLessThan(5_000);
    expect(usage).toMatchObject({ used: 10, remaining: 0 });
    expect(await chatRequests(ai, "burst")).toHaveLength(10);
    // Cached reads stay free when the month is used up.
    expect((await ai.fetch(org, `/api/v1/transcriptions/${id}/keypoints`)).status).toBe(200);
  });

  it("asks the configured model with structured output, and retries a 5xx only as often as configured", async () => {
    const ai = aiEnvironment("gen-retries", { OPENAI_MAX_RETRIES: "2", OPENAI_TEXT_MODEL: "gpt-parley-test" });
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("retries"));
    await ai.program({ route: "chat", match: "retries", status: 502, times: 5 });
    const failed = await ai.fetch(org, `/api/v1/transcriptions/${id}/email`, { method: "POST" });
    expect(failed.status).toBe(503);
    expect((await problem(failed)).detail).toMatch(/HTTP 502, 3 attempts/);
    const sent = await chatRequests(ai, "retries");
    expect(sent).toHaveLength(3);
    await fetch(`${ai.base}/__fake`, { method: "DELETE" });
    const ok = await ai.fetch(org, `/api/v1/transcriptions/${id}/email`, { method: "POST" });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ model: "gpt-parley-test" });
    const [request] = (await (await fetch(`${ai.base}/__fake/requests?route=chat&match=retries`)).json()) as {
      model: string;
      responseFormat: string;
      answeredStatus: number;
    }[];
    expect(request).toMatchObject({ model: "gpt-parley-test", answeredStatus: 200 });
    expect(JSON.stringify(request?.responseFormat)).toContain("json_schema");
    expect((await aiUsage(org)).used).toBe(1);
  });

  it.each([
    ["a 5xx", { status: 503, times: 1 }],
    ["a timeout", { delayMs: 1_500, times: 1 }],
    ["malformed JSON", { fault: "malformed_json", times: 1 }],
    ["cut-off content", { fault: "malformed_content", times: 1 }],
    ["the wrong shape", { fault: "wrong_shape", times: 1 }],
  ])("refunds and answers 503 ai_unavailable when the provider gives %s", async (_, behaviour) => {
    const tag = `gen-fail-${String(_).replace(/\W+/g, "-")}`;
    const ai = aiEnvironment(tag, { OPENAI_MAX_RETRIES: "0", OPENAI_TIMEOUT_MS: "1000" });
    const org = await createOrg("starter");
    const id = await importTranscript(ai, org, conversation(tag));
    await ai.program({ route: "chat", match: tag, ...behaviour });
    const before = await aiUsage(org);
    const res = await ai.fetch(org, `/api/v1/transcriptions/${id}/keypoints`, { method: "POST" });
    expect(res.status).toBe(503);
    const body = await problem(res);
    expect(body.code).toBe("ai_unavailable");
    expect(String(body.detail)).not.toContain("fake-openai");
    expect(await aiUsage(org)).toEqual(before);
    expect((await ai.fetch(org, `/api/v1/transcriptions/${id}/keypoints`)).status).toBe(404);
    const retried = await ai.fetch(org, `/api/v1/transcriptions/${id}/keypoints`, { method: "POST" });
    expect(retried.status).toBe(201);
    expect((await aiUsage(org)).used).toBe(before.used + 1);
  });
});

describe("state, tenancy and scopes", () => {
  it("answer 409 for a transcription that is not ready", async () => {
    const ai = aiEnvironment("gen-409");
    const org = await createOrg("professional");
    const upload = await org.api("/api/v1/recordings?filename=a.wav", {
      method: "POST",
      headers: { "content-type": "audio/wav" },
      body: pcmWav(1),
    });
    expect(upload.status, await upload.clone().text()).toBe(201);
    const { recordingId } = (await upload.json()) as { recordingId: string };
    const started = await ai.fetch(org, "/api/v1/transcriptions", { method: "POST", json: { recordingId } });
    expect(started.status, await started.clone().text()).toBe(201);
    const { transcriptionId } = (await started.json()) as { transcriptionId: string };
    const base = `/api/v1/transcriptions/${transcriptionId}`;
    for (const [method, path, json] of [
      ["GET", `${base}/keypoints`, undefined],
      ["POST", `${base}/keypoints`, undefined],
      ["GET", `${base}/feedback`, undefined],
      ["POST", `${base}/feedback`, undefined],
      ["POST", `${base}/email`, undefined],
      ["POST", `${base}/query`, { query: "why?" }],
    ] as const) {
      const res = await ai.fetch(org, path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(409);
    }
    expect((await aiUsage(org)).used).toBe(0);
  });

  it("404 another organization's transcription on every route, and need read for GET, write for POST", async () => {
    const ai = aiEnvironment("gen-tenancy");
    const org = await createOrg("professional");
    const other = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("tenancy"));
    const base = `/api/v1/transcriptions/${id}`;
    const routes = [
      ["GET", `${base}/keypoints`, undefined],
      ["POST", `${base}/keypoints`, {}],
      ["GET", `${base}/feedback`, undefined],
      ["POST", `${base}/feedback`, {}],
      ["POST", `${base}/email`, {}],
      ["POST", `${base}/query`, { query: "why?" }],
    ] as const;
    for (const [method, path, json] of routes) {
      const res = await ai.fetch(other, path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const keyOf = async (scopes: string[]) => {
      const res = await org.api("/api/v1/api-keys", { method: "POST", json: { name: scopes[0], scopes } });
      return { ...org, key: ((await res.json()) as { key: string }).key };
    };
    const reader = await keyOf(["read"]);
    const writer = await keyOf(["write"]);
    for (const [method, path, json] of routes) {
      const who = method === "GET" ? writer : reader;
      const res = await ai.fetch(who, path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await ai.fetch(reader, `${base}/keypoints`)).status).toBe(404);
    expect((await ai.fetch(writer, `${base}/keypoints`, { method: "POST" })).status).toBe(201);
    expect((await aiUsage(org)).used).toBe(1);
  });
});

describe("without an OpenAI key", () => {
  it("generates offline with the extractive provider, deterministically, on the same quota", async () => {
    const ai = aiEnvironment("gen-offline", { OPENAI_API_KEY: "" });
    const org = await createOrg("professional");
    const id = await importTranscript(ai, org, conversation("offline"));
    const path = `/api/v1/transcriptions/${id}/keypoints`;
    const first = await ai.fetch(org, path, { method: "POST" });
    expect(first.status, await first.clone().text()).toBe(201);
    const keypoints = (await first.json()) as Json;
    expect(keypoints).toMatchObject({ model: "parley-extractive", cached: false });
    const again = (await (await ai.fetch(org, path, { method: "POST", json: { forceRefresh: true } })).json()) as Json;
    const { generatedAt: _a, ...firstBody } = keypoints;
    const { generatedAt: _b, ...againBody } = again;
    expect(againBody).toEqual(firstBody);

    const asked = await ai.fetch(org, `/api/v1/transcriptions/${id}/query`, {
      method: "POST",
      json: { query: "Who sends the invitations?" },
    });
    expect(asked.status).toBe(201);
    const answer = (await asked.json()) as { citations: { start: number; speaker: string; text: string }[] };
    const segments = conversation("offline");
    expect(answer.citations.length).toBeGreaterThan(0);
    for (const citation of answer.citations) {
      expect(segments).toContainEqual({ ...citation, speaker: expect.any(String) });
    }
    expect((await aiUsage(org)).used).toBe(3);
    expect(await chatRequests(ai, "offline")).toHaveLength(0);
  });
});
