import { describe, expect, it } from "vitest";
import { createExtractiveProvider, EXTRACTIVE_MODEL } from "../../src/ai/extractive";
import {
  EMAIL_TONES,
  GENERATION_SCHEMAS,
  type GenerationInput,
  type GenerationKind,
  type PromptSegment,
  SUMMARY_TEMPLATES,
} from "../../src/ai/generations";
import { AiProviderError, audioFromFile } from "../../src/ai/provider";
import { STANDUP } from "./extractive-fixtures";

function inputs(segments: PromptSegment[], speakerName: string): { [K in GenerationKind]: GenerationInput[K] }[] {
  const base = { segments, language: null };
  return [
    ...SUMMARY_TEMPLATES.map((template) => ({
      summary: { ...base, template },
      keypoints: base,
      feedback: { ...base, speakerName },
      email: { ...base, recipientName: "Eve", tone: EMAIL_TONES[0] },
      query: { ...base, query: "What about the release?" },
    })),
    ...EMAIL_TONES.map((tone) => ({
      summary: { ...base, template: SUMMARY_TEMPLATES[0] },
      keypoints: base,
      feedback: { ...base, speakerName },
      email: { ...base, recipientName: null, tone },
      query: { ...base, query: "zebra" },
    })),
  ];
}

const KINDS = Object.keys(GENERATION_SCHEMAS) as GenerationKind[];

async function generateAll(segments: PromptSegment[], speakerName: string) {
  const provider = createExtractiveProvider();
  const results: unknown[] = [];
  for (const input of inputs(segments, speakerName)) {
    for (const kind of KINDS) {
      const generated = await provider.generate(kind, input[kind]);
      expect(generated.model).toBe(EXTRACTIVE_MODEL);
      expect(() => GENERATION_SCHEMAS[kind].parse(generated.result)).not.toThrow();
      results.push(generated.result);
    }
  }
  return results;
}

describe("the extractive provider", () => {
  it("is named extractive and cannot transcribe audio", async () => {
    const provider = createExtractiveProvider();
    expect(provider.name).toBe("extractive");
    const audio = audioFromFile(new File([new Uint8Array(4)], "a.wav", { type: "audio/wav" }));
    const failure = await provider.transcribe({ audio, language: null }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AiProviderError);
    expect(failure).toMatchObject({
      reason: "not_configured",
      message: "Transcribing audio needs the OpenAI provider: set OPENAI_API_KEY.",
    });
  });

  it("generates every kind, every template and tone, valid against its schema, the same each time", async () => {
    const first = await generateAll(STANDUP, "Bob");
    const second = await generateAll(STANDUP, "Bob");
    expect(second).toEqual(first);
  });

  it("copes with an empty transcript and one without punctuation", async () => {
    await generateAll([{ index: 0, speaker: "Speaker 1", start: 0, end: 1, text: "" }], "Speaker 1");
    await generateAll(
      [{ index: 0, speaker: "Speaker 1", start: 0, end: 600, text: "so we talked about the roadmap ".repeat(200) }],
      "Speaker 1",
    );
  });

  it("rejects feedback for someone who did not speak", async () => {
    const generation = createExtractiveProvider().generate("feedback", {
      segments: STANDUP,
      language: null,
      speakerName: "Zed",
    });
    await expect(generation).rejects.toMatchObject({ reason: "rejected" });
  });

  it("handles a 20,000-segment transcript (a few linear passes; speed is measured in the bench)", async () => {
    const topics = ["billing", "onboarding", "security", "hiring", "roadmap", "pricing", "support", "analytics"];
    const speakers = ["Alice", "Bob", "Carol", "Dan"];
    const segments: PromptSegment[] = Array.from({ length: 20_000 }, (_, i) => {
      const topic = topics[Math.floor(i / 2_500)] ?? "misc";
      const speaker = speakers[i % speakers.length] ?? "Alice";
      const variants = [
        `The ${topic} numbers for week ${i % 52} look better than the plan.`,
        `I'll check the ${topic} report item ${i % 97} by Friday.`,
        `We agreed to keep the ${topic} scope for quarter ${i % 4}.`,
        `Is the ${topic} dashboard ${i % 13} still broken?`,
      ];
      return { index: i, speaker, start: i * 5, end: i * 5 + 4, text: variants[i % variants.length] ?? "" };
    });
    const provider = createExtractiveProvider();
    const base = { segments, language: null };
    const summary = await provider.generate("summary", { ...base, template: "General Bulleted" });
    expect(summary.result.sections.length).toBeGreaterThan(1);
    expect(summary.result.decisions.length).toBeGreaterThan(0);
    const keypoints = await provider.generate("keypoints", base);
    expect(keypoints.result.participants).toEqual(speakers);
    await provider.generate("feedback", { ...base, speakerName: "Carol" });
    await provider.generate("email", { ...base, recipientName: null, tone: "concise" });
    const answer = await provider.generate("query", { ...base, query: "security dashboard" });
    expect(answer.result.citedSegmentIndexes.length).toBeGreaterThan(0);
  }, 60_000); // a correctness test over a large input: a loaded CI machine must not fail it on time
});
