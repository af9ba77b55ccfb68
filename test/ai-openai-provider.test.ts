import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createExtractiveProvider } from "../src/ai/extractive";
import {
  GENERATION_SCHEMAS,
  type PromptSegment,
  SUMMARY_TEMPLATE_HEADINGS,
  SUMMARY_TEMPLATES,
  type SummaryTemplate,
} from "../src/ai/generations";
import { createOpenAiProvider, type OpenAiProviderOptions } from "../src/ai/openai-provider";
import { chunkSegments, SUMMARY_TEMPLATE_INSTRUCTIONS, transcriptLine } from "../src/ai/prompts";
import { AiProviderError, type AudioInput, audioFromFile } from "../src/ai/provider";
import { openAiOptions, textProvider, transcriptionProvider } from "../src/ai/provider-config";
import { CONSULTATION } from "./fixtures/transcripts/consultation";
import { PLANNING } from "./fixtures/transcripts/planning";
import { SALES_CALL } from "./fixtures/transcripts/sales-call";
import { pcmWav } from "./wav";

/** What every failure the fake is programmed with carries in its body (scripts/fake-openai.mjs FAKE_ERROR_MARKER). */
const RAW_BODY_MARKER = "fake-openai-raw-error-body";

interface FakeRequest {
  route: string;
  model: string | null;
  responseFormat: string | null;
  language?: string | null;
  chunkingStrategy?: string | null;
  timestampGranularities?: string[];
  file?: { name: string; size: number; type: string } | null;
  messages?: { role: string; content: string }[];
  answeredStatus: number;
}

/** A tag of the fake of this test's own: programmed failures and recorded requests nobody else sees. */
function fakeServer() {
  const base = `${new URL(env.TEST_OPENAI_URL).origin}/t/${crypto.randomUUID()}`;
  return {
    baseURL: `${base}/v1`,
    async program(behaviour: Record<string, unknown>) {
      const response = await fetch(`${base}/__fake/program`, { method: "POST", body: JSON.stringify(behaviour) });
      expect(response.status).toBe(200);
    },
    async requests(route?: string, match?: string): Promise<FakeRequest[]> {
      const query = new URLSearchParams({ ...(route ? { route } : {}), ...(match ? { match } : {}) });
      const response = await fetch(`${base}/__fake/requests?${query}`);
      return response.json();
    },
  };
}

function provider(baseURL: string, overrides: Partial<OpenAiProviderOptions> = {}) {
  return createOpenAiProvider({
    apiKey: "test-key",
    baseURL,
    transcriptionModel: "gpt-4o-transcribe-diarize",
    textModel: "gpt-test-mini",
    timeoutMs: 5_000,
    maxRetries: 0,
    ...overrides,
  });
}

/** A WAV file of `seconds` for the provider. */
function wav(seconds: number): AudioInput {
  return audioFromFile(new File([pcmWav(seconds)], "meeting.wav", { type: "audio/wav" }));
}

const SEGMENTS: PromptSegment[] = [
  { index: 0, speaker: "Alice", start: 0, end: 4, text: "Welcome, let's review the launch plan." },
  { index: 1, speaker: "Bob", start: 4, end: 9, text: "We decided to ship on March 3." },
  { index: 2, speaker: "Alice", start: 9, end: 15, text: "Bob will write the release notes by Friday." },
  { index: 3, speaker: "Carol", start: 15, end: 20, text: "Do we need a second review round?" },
];
const transcript = { segments: SEGMENTS, language: null };

/** The provider's failure, or a test failure if it resolved. */
async function failureOf(promise: Promise<unknown>): Promise<AiProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AiProviderError);
  return error as AiProviderError;
}

function expectReadable(error: AiProviderError) {
  expect(error.message).not.toContain(RAW_BODY_MARKER);
  expect(error.message).not.toMatch(/stack|\bat \S+:\d+|fake\.js/);
}

describe("OpenAI provider: transcription (against the fake over HTTP)", () => {
  it("asks a diarizing model for diarized_json and keeps its speakers, times and the language hint", async () => {
    const fake = fakeServer();
    const result = await provider(fake.baseURL).transcribe({ audio: wav(12), language: "de" });
    expect(result.language).toBe("de");
    expect(result.durationInSeconds).toBe(12);
    expect(result.segments.map((s) => [s.speaker, s.start, s.end])).toEqual([
      ["Speaker A", 0, 5],
      ["Speaker B", 5, 10],
      ["Speaker A", 10, 12],
    ]);
    expect(result.segments[1]?.text).toMatch(/^Part 2 at 00:00:05, audio [0-9a-f]{6}\.$/);
    const [request] = await fake.requests("transcriptions");
    expect(request).toMatchObject({
      model: "gpt-4o-transcribe-diarize",
      responseFormat: "diarized_json",
      chunkingStrategy: "auto",
      language: "de",
      file: { name: "meeting.wav", size: 44 + 12 * 16_000 },
    });
  });

  it("asks other models for verbose_json with segment timestamps: one speaker, language from the answer", async () => {
    const fake = fakeServer();
    const result = await provider(fake.baseURL, { transcriptionModel: "whisper-1" }).transcribe({
      audio: wav(7),
      language: null,
    });
    expect(result.language).toBe("en");
    expect(result.durationInSeconds).toBe(7);
    expect(result.segments.map((s) => [s.speaker, s.start, s.end])).toEqual([
      ["Speaker 1", 0, 5],
      ["Speaker 1", 5, 7],
    ]);
    expect(result.segments[0]?.text).toMatch(/^Part 1/); // the provider's leading space trimmed
    const [request] = await fake.requests("transcriptions");
    expect(request).toMatchObject({
      model: "whisper-1",
      responseFormat: "verbose_json",
      timestampGranularities: ["segment"],
      language: null,
    });
  });

  it("a transcription of the wrong shape is malformed; a 503 is unavailable", async () => {
    const fake = fakeServer();
    await fake.program({ route: "transcriptions", fault: "wrong_shape" });
    await fake.program({ route: "transcriptions", status: 503 });
    const ai = provider(fake.baseURL);
    const wrong = await failureOf(ai.transcribe({ audio: wav(1), language: null }));
    expect(wrong.reason).toBe("malformed");
    const down = await failureOf(ai.transcribe({ audio: wav(1), language: null }));
    expect(down.reason).toBe("unavailable");
    expect(down.message).toContain("HTTP 503");
    expectReadable(down);
  });
});

describe("OpenAI provider: streamed audio", () => {
  it("streams the audio as a multipart file and, since the SDK cannot replay a stream, retries it by reopening", async () => {
    const fake = fakeServer();
    await fake.program({ route: "transcriptions", status: 503, times: 1 });
    const audio = wav(3);
    let opened = 0;
    const counted = {
      ...audio,
      open: () => {
        opened++;
        return audio.open();
      },
    };
    const result = await provider(fake.baseURL, { maxRetries: 1 }).transcribe({ audio: counted, language: null });
    expect(result.segments.length).toBeGreaterThan(0);
    expect(opened).toBe(2);
    const requests = await fake.requests("transcriptions");
    expect(requests.map((r) => r.answeredStatus)).toEqual([503, 200]);
    const size = audio.sizeInBytes;
    expect(requests.map((r) => r.file)).toEqual([
      { name: "meeting.wav", size, type: "audio/wav" },
      { name: "meeting.wav", size, type: "audio/wav" },
    ]);
  });

  it("gives up after maxRetries and does not retry a 400", async () => {
    const fake = fakeServer();
    await fake.program({ route: "transcriptions", status: 500, times: 3 });
    const down = await failureOf(
      provider(fake.baseURL, { maxRetries: 2 }).transcribe({ audio: wav(1), language: null }),
    );
    expect(down.reason).toBe("unavailable");
    expect((await fake.requests("transcriptions")).length).toBe(3);
    const other = fakeServer();
    await other.program({ route: "transcriptions", status: 400 });
    const rejected = await failureOf(
      provider(other.baseURL, { maxRetries: 2 }).transcribe({ audio: wav(1), language: null }),
    );
    expect(rejected.reason).toBe("rejected");
    expect((await other.requests("transcriptions")).length).toBe(1);
  });
});

describe("fake OpenAI server: programmed behaviours", () => {
  it("a behaviour with `match` is taken only by requests whose messages or file name contain it", async () => {
    const fake = fakeServer();
    await fake.program({ route: "chat", status: 500, match: "Zebra-42" });
    const ai = provider(fake.baseURL);
    await ai.generate("keypoints", transcript); // no marker: answered normally, the behaviour stays queued
    const marked = {
      segments: [{ ...(SEGMENTS[0] as PromptSegment), text: "Zebra-42 is on the agenda." }],
      language: null,
    };
    expect((await failureOf(ai.generate("keypoints", marked))).reason).toBe("unavailable");
    await ai.generate("keypoints", marked); // taken once
    expect((await fake.requests("chat", "Zebra-42")).map((r) => r.answeredStatus)).toEqual([500, 200]);
    expect((await fake.requests("chat")).map((r) => r.answeredStatus)).toEqual([200, 500, 200]);
  });

  it("behaviours and requests of one tag are invisible to another", async () => {
    const [one, other] = [fakeServer(), fakeServer()];
    await one.program({ route: "any", status: 503, times: 5 });
    await provider(other.baseURL).generate("keypoints", transcript);
    expect((await failureOf(provider(one.baseURL).generate("keypoints", transcript))).reason).toBe("unavailable");
    expect(await other.requests()).toHaveLength(1);
    expect(await one.requests()).toHaveLength(1);
  });
});

describe("OpenAI provider: generations with structured output", () => {
  it("each kind asks for its JSON schema and returns a result its schema accepts", async () => {
    const fake = fakeServer();
    const ai = provider(fake.baseURL);
    const results = {
      summary: await ai.generate("summary", { ...transcript, template: "SOAP" }),
      keypoints: await ai.generate("keypoints", transcript),
      feedback: await ai.generate("feedback", { ...transcript, speakerName: "Bob" }),
      email: await ai.generate("email", { ...transcript, recipientName: "Dana", tone: "concise" }),
      query: await ai.generate("query", { ...transcript, query: "When do we ship?" }),
    };
    for (const [kind, generated] of Object.entries(results)) {
      expect(generated.model).toBe("gpt-test-mini");
      expect(GENERATION_SCHEMAS[kind as keyof typeof results].safeParse(generated.result).success).toBe(true);
    }
    for (const index of results.query.result.citedSegmentIndexes) expect(SEGMENTS.map((s) => s.index)).toContain(index);

    const requests = await fake.requests("chat");
    expect(requests.map((r) => r.responseFormat)).toEqual(Array(5).fill("json_schema"));
    const [summary, , feedback, email, query] = requests;
    expect(summary?.messages?.[0]?.content).toContain('"Subjective", "Objective", "Assessment", "Plan"');
    expect(summary?.messages?.[1]?.content).toContain("[1] [00:00:04] Bob: We decided to ship on March 3.");
    expect(feedback?.messages?.[0]?.content).toContain('"Bob"');
    expect(email?.messages?.[0]?.content).toMatch(/to Dana in a concise tone/);
    expect(query?.messages?.[1]?.content).toContain("Question: When do we ship?");
  });

  it("every summary template has its own instructions and headings", () => {
    expect(new Set(Object.values(SUMMARY_TEMPLATE_INSTRUCTIONS)).size).toBe(6);
    expect(new Set(Object.values(SUMMARY_TEMPLATE_HEADINGS).map((h) => h.join("|"))).size).toBe(6);
  });

  it("a 5xx is unavailable after exactly maxRetries + 1 requests, naming the status", async () => {
    const fake = fakeServer();
    await fake.program({ route: "chat", status: 503, times: 10 });
    const error = await failureOf(provider(fake.baseURL, { maxRetries: 2 }).generate("keypoints", transcript));
    expect(error.reason).toBe("unavailable");
    expect(error.message).toBe("The AI provider failed (HTTP 503, 3 attempts).");
    expect(await fake.requests("chat")).toHaveLength(3);
  });

  it("an answer later than the timeout is unavailable", async () => {
    const fake = fakeServer();
    await fake.program({ route: "chat", delayMs: 3_000 });
    const started = Date.now();
    const error = await failureOf(
      provider(fake.baseURL, { timeoutMs: 300 }).generate("email", {
        ...transcript,
        recipientName: null,
        tone: "casual",
      }),
    );
    expect(error.reason).toBe("unavailable");
    expect(error.message).toBe("The AI provider did not answer within 0.3 s (1 attempt).");
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("a 429 is unavailable, a 400 rejected; neither message carries the provider's body", async () => {
    const fake = fakeServer();
    await fake.program({ route: "chat", status: 429 });
    await fake.program({ route: "chat", status: 400 });
    const ai = provider(fake.baseURL);
    const limited = await failureOf(ai.generate("keypoints", transcript));
    expect([limited.reason, limited.message]).toEqual([
      "unavailable",
      "The AI provider is rate limiting Parley (HTTP 429, 1 attempt).",
    ]);
    const rejected = await failureOf(ai.generate("keypoints", transcript));
    expect([rejected.reason, rejected.message]).toEqual([
      "rejected",
      "The AI provider rejected the request (HTTP 400).",
    ]);
    expectReadable(limited);
    expectReadable(rejected);
  });

  it("a body that is not JSON, content that is not JSON and JSON of the wrong shape are malformed", async () => {
    const fake = fakeServer();
    for (const fault of ["malformed_json", "malformed_content", "wrong_shape"]) {
      await fake.program({ route: "chat", fault });
      const error = await failureOf(
        provider(fake.baseURL).generate("summary", { ...transcript, template: "General Bulleted" }),
      );
      expect([fault, error.reason]).toEqual([fault, "malformed"]);
      expectReadable(error);
    }
    expect(await fake.requests("chat")).toHaveLength(3);
  });
});

/** Each template's headings as the README documents them. */
const TEMPLATE_HEADINGS: Record<SummaryTemplate, string[]> = {
  "General Bulleted": ["Overview", "Discussion Points", "Questions Raised", "Next Steps"],
  "General Narrative": ["Background", "Discussion", "Outcome"],
  SOAP: ["Subjective", "Objective", "Assessment", "Plan"],
  "Extended SOAP": [
    "Chief Complaint",
    "History of Present Illness",
    "Medications and Allergies",
    "Subjective",
    "Objective",
    "Assessment",
    "Plan",
    "Follow-up",
  ],
  "Educational Lecture": [
    "Topics Covered",
    "Key Concepts",
    "Examples",
    "Questions Raised",
    "Assignments and Next Steps",
  ],
  "Educational Tutoring": [
    "Topics Reviewed",
    "Student Difficulties",
    "Explanations",
    "Progress",
    "Practice and Next Steps",
  ],
};

describe("summary templates: the same headings whatever the provider", () => {
  const headingsOf = (result: { sections: { heading: string }[] }) => result.sections.map((s) => s.heading);

  it.each(SUMMARY_TEMPLATES)("%s: both providers answer exactly its headings, in order", async (template) => {
    const expected = TEMPLATE_HEADINGS[template];
    expect(SUMMARY_TEMPLATE_HEADINGS[template]).toEqual(expected);
    const extractive = createExtractiveProvider();
    for (const segments of [SEGMENTS, SEGMENTS.slice(0, 1), PLANNING, SALES_CALL, CONSULTATION]) {
      const { result } = await extractive.generate("summary", { segments, language: null, template });
      expect(headingsOf(result)).toEqual(expected);
    }
    const fake = fakeServer();
    const openai = await provider(fake.baseURL).generate("summary", { ...transcript, template });
    expect(headingsOf(openai.result)).toEqual(expected);
    const [request] = await fake.requests("chat");
    expect(request?.messages?.[0]?.content).toContain(expected.map((h) => `"${h}"`).join(", "));
  });

  /** The OpenAI provider's SOAP summary when the model answers with these sections. */
  async function soapFrom(sections: { heading: string; points: string[] }[]) {
    const fake = fakeServer();
    const answer = { summary: "s", sections, actionItems: [], decisions: [] };
    await fake.program({
      route: "chat",
      body: {
        id: "chatcmpl-test",
        object: "chat.completion",
        created: 1,
        model: "gpt-test-mini",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: JSON.stringify(answer), refusal: null },
            finish_reason: "stop",
          },
        ],
      },
    });
    const { result } = await provider(fake.baseURL).generate("summary", { ...transcript, template: "SOAP" });
    return result.sections;
  }

  it("re-orders the model's sections into the template's headings, matching them case-insensitively", async () => {
    expect(
      await soapFrom([
        { heading: "plan", points: ["p"] },
        { heading: "Subjective:", points: ["s1"] },
        { heading: "Vitals", points: ["v"] },
        { heading: "SUBJECTIVE", points: ["s2"] },
        { heading: "Lab notes", points: [] },
      ]),
    ).toEqual([
      // An unknown section's points join the section before it, prefixed by its heading; missing ones are empty.
      { heading: "Subjective", points: ["s1", "Vitals: v", "s2"] },
      { heading: "Objective", points: [] },
      { heading: "Assessment", points: [] },
      { heading: "Plan", points: ["p"] },
    ]);
    expect(await soapFrom([{ heading: "Notes", points: ["n"] }])).toEqual([
      { heading: "Subjective", points: ["Notes: n"] },
      { heading: "Objective", points: [] },
      { heading: "Assessment", points: [] },
      { heading: "Plan", points: [] },
    ]);
  });

  it("takes sections in order when none is a template heading but their number fits (translated headings)", async () => {
    const translated = ["Subjektiv", "Objektiv", "Beurteilung", "Therapie"].map((heading, i) => ({
      heading,
      points: [`p${i}`],
    }));
    expect(await soapFrom(translated)).toEqual([
      { heading: "Subjective", points: ["p0"] },
      { heading: "Objective", points: ["p1"] },
      { heading: "Assessment", points: ["p2"] },
      { heading: "Plan", points: ["p3"] },
    ]);
  });
});

describe("OpenAI provider: long transcripts (map-reduce)", () => {
  const long: PromptSegment[] = Array.from({ length: 40 }, (_, i) => ({
    index: i,
    speaker: i % 2 === 0 ? "Alice" : "Bob",
    start: i * 30,
    end: i * 30 + 29,
    text: i === 39 ? "Last minute: the zebra budget is approved." : `Topic ${i} was discussed at some length.`,
  }));

  it("chunks on segment boundaries under the budget, every segment once, a too-long segment alone", () => {
    const budget = 300;
    const chunks = chunkSegments(long, budget);
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.flat()).toEqual(long);
    for (const chunk of chunks)
      expect(chunk.map((s) => `${transcriptLine(s)}\n`).join("").length).toBeLessThanOrEqual(budget);
    const huge = { ...long[0], index: 1, text: "x".repeat(1_000) } as PromptSegment;
    expect(chunkSegments([long[0] as PromptSegment, huge, long[2] as PromptSegment], budget)).toEqual([
      [long[0]],
      [huge],
      [long[2]],
    ]);
  });

  it("summarises every chunk, so the last segment reaches a request, and merges the parts into one result", async () => {
    const fake = fakeServer();
    const ai = provider(fake.baseURL, { maxPromptChars: 600 });
    const generated = await ai.generate("summary", { segments: long, language: "en", template: "General Narrative" });
    expect(GENERATION_SCHEMAS.summary.safeParse(generated.result).success).toBe(true);

    const requests = await fake.requests("chat");
    const chunks = chunkSegments(long, 600).length;
    const maps = requests.filter((r) => r.messages?.[1]?.content.startsWith("Transcript (part "));
    const merges = requests.filter((r) => r.messages?.[0]?.content.startsWith("You merge partial analyses"));
    expect(maps).toHaveLength(chunks);
    expect(merges.length).toBeGreaterThanOrEqual(1);
    expect(requests).toHaveLength(maps.length + merges.length);
    expect(maps.at(-1)?.messages?.[1]?.content).toContain(
      "[39] [00:19:30] Bob: Last minute: the zebra budget is approved.",
    );
    expect(requests.at(-1)).toBe(merges.at(-1)); // the answer is a merge of everything
  });

  it("a transcript that fits is one request", async () => {
    const fake = fakeServer();
    await provider(fake.baseURL).generate("keypoints", { segments: long, language: null });
    const requests = await fake.requests("chat");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.messages?.[1]?.content).toContain("zebra");
  });
});

describe("provider configuration from env", () => {
  it("without OPENAI_API_KEY there is no transcription provider and no OpenAI options", () => {
    for (const key of ["", "  "]) {
      expect(openAiOptions({ ...env, OPENAI_API_KEY: key })).toBeNull();
      expect(transcriptionProvider({ ...env, OPENAI_API_KEY: key })).toBeNull();
    }
  });

  it("with a key, both providers are OpenAI at OPENAI_BASE_URL with the models from vars", async () => {
    const fake = fakeServer();
    const configured = {
      ...env,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_TEXT_MODEL: "text-model-x",
      OPENAI_TRANSCRIPTION_MODEL: "whisper-x",
    };
    expect(openAiOptions(configured)).toMatchObject({ maxRetries: 2, timeoutMs: 180_000 });
    const generated = await textProvider(configured).generate("keypoints", transcript);
    expect(generated.model).toBe("text-model-x");
    await transcriptionProvider(configured)?.transcribe({ audio: wav(1), language: null });
    const requests = await fake.requests();
    expect(requests.map((r) => [r.route, r.model])).toEqual([
      ["chat", "text-model-x"],
      ["transcriptions", "whisper-x"],
    ]);
  });
});
