import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PromptSegment } from "../src/ai/generations";
import { createOpenAiProvider } from "../src/ai/openai-provider";
import { chunkSegments, transcriptLine } from "../src/ai/prompts";
import { threeHoursEndingInADecision, uneventfulTalk } from "./fixtures/transcripts/long";

interface FakeRequest {
  messages?: { role: string; content: string }[];
}

/** A tag of the fake of this test's own (see test/ai-openai-provider.test.ts): requests nobody else sees. */
function fakeServer() {
  const base = `${new URL(env.TEST_OPENAI_URL).origin}/t/${crypto.randomUUID()}`;
  return {
    baseURL: `${base}/v1`,
    async requests(): Promise<FakeRequest[]> {
      return (await fetch(`${base}/__fake/requests?route=chat`)).json();
    },
  };
}

/** Small enough that hours of talk take many chunks, so the bound is exercised without megabytes of fake JSON. */
const MAX_PROMPT_CHARS = 40_000;

function provider(baseURL: string) {
  return createOpenAiProvider({
    apiKey: "test-key",
    baseURL,
    transcriptionModel: "gpt-4o-transcribe-diarize",
    textModel: "gpt-test-mini",
    timeoutMs: 10_000,
    maxRetries: 0,
    maxPromptChars: MAX_PROMPT_CHARS,
  });
}

/** The most chunks a transcript can take: every chunk but the last is filled to within one line of the budget. */
function chunkBound(segments: PromptSegment[]): number {
  const lines = segments.map((segment) => transcriptLine(segment).length + 1);
  const total = lines.reduce((sum, length) => sum + length, 0);
  return Math.ceil(total / (MAX_PROMPT_CHARS - Math.max(...lines))) + 1;
}

async function callsFor(kind: "summary" | "keypoints", segments: PromptSegment[]) {
  const fake = fakeServer();
  const ai = provider(fake.baseURL);
  if (kind === "summary") await ai.generate(kind, { segments, language: null, template: "General Bulleted" });
  else await ai.generate(kind, { segments, language: null });
  const requests = await fake.requests();
  const maps = requests.filter((r) => r.messages?.[1]?.content.startsWith("Transcript (part "));
  return { total: requests.length, maps: maps.length, requests };
}

describe("OpenAI provider: the number of calls for a long transcript is bounded (map-reduce)", () => {
  it.each(["summary", "keypoints"] as const)(
    "%s: one call per chunk, fewer merges than chunks, linear in length",
    async (kind) => {
      const totals: number[] = [];
      for (const hours of [1, 3, 6]) {
        const segments = uneventfulTalk(hours);
        const chunks = chunkSegments(segments, MAX_PROMPT_CHARS).length;
        const { total, maps } = await callsFor(kind, segments);
        expect(chunks).toBeLessThanOrEqual(chunkBound(segments));
        expect(maps).toBe(chunks);
        // Each merge call replaces at least two partial results by one: at most chunks − 1 of them.
        expect(total).toBeGreaterThan(maps);
        expect(total).toBeLessThanOrEqual(2 * chunks - 1);
        totals.push(total);
      }
      const [oneHour = 0, threeHours = 0, sixHours = 0] = totals;
      expect(threeHours).toBeLessThanOrEqual(3 * oneHour + 2);
      expect(sixHours).toBeLessThanOrEqual(2 * threeHours + 2);
    },
  );

  it("the last minute of a three-hour meeting reaches the last map call, and the final call merges", async () => {
    const segments = threeHoursEndingInADecision();
    const { requests, maps } = await callsFor("summary", segments);
    expect(maps).toBeGreaterThan(1);
    const mapped = requests.filter((r) => r.messages?.[1]?.content.startsWith("Transcript (part "));
    expect(mapped.at(-1)?.messages?.[1]?.content).toContain("we decided to sunset the legacy importer on June 30.");
    expect(requests.at(-1)?.messages?.[0]?.content).toMatch(/^You merge partial analyses/);
  });

  it("with the default budget (240,000 characters), this three-hour meeting is one call", async () => {
    const fake = fakeServer();
    const ai = createOpenAiProvider({
      apiKey: "test-key",
      baseURL: fake.baseURL,
      transcriptionModel: "gpt-4o-transcribe-diarize",
      textModel: "gpt-test-mini",
      timeoutMs: 10_000,
      maxRetries: 0,
    });
    await ai.generate("keypoints", { segments: threeHoursEndingInADecision(), language: null });
    expect(await fake.requests()).toHaveLength(1);
  });
});
