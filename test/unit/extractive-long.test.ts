import { describe, expect, it } from "vitest";
import { createExtractiveProvider } from "../../src/ai/extractive";
import { SUMMARY_TEMPLATES } from "../../src/ai/generations";
import { threeHoursEndingInADecision, uneventfulTalk } from "../fixtures/transcripts/long";

const provider = createExtractiveProvider();
const DECISION = "We decided to sunset the legacy importer on June 30.";
const ACTION = { item: "Write the deprecation notice for customers by Friday", owner: "Zoe" };

describe("a three-hour transcript whose last minute holds the decision (nothing silently dropped)", () => {
  const segments = threeHoursEndingInADecision();
  const lastMinute = (segments.at(-1)?.end ?? 0) - 60;

  it("is three hours long, and nothing before its last minute commits or decides", async () => {
    expect(segments.at(-1)?.end).toBeGreaterThan(3 * 3600);
    const planted = segments.filter((s) => /sunset|deprecation/.test(s.text));
    expect(planted.length).toBe(2);
    for (const segment of planted) expect(segment.start).toBeGreaterThanOrEqual(lastMinute);
    const before = (await provider.generate("keypoints", { segments: uneventfulTalk(3), language: null })).result;
    expect([before.decisions, before.actionItems]).toEqual([[], []]);
  });

  it("keypoints have the decision, the action item and its date", async () => {
    const { result } = await provider.generate("keypoints", { segments, language: null });
    expect(result.decisions).toEqual([DECISION]);
    expect(result.actionItems).toEqual([expect.objectContaining(ACTION)]);
    expect(result.importantDates).toContainEqual({ date: "June 30", context: DECISION });
    // The topic sections span the whole meeting: the last one covers its last minute.
    expect(result.sections.length).toBeGreaterThan(1);
  });

  it.each(SUMMARY_TEMPLATES)("a %s summary has the decision and the action item", async (template) => {
    const { result } = await provider.generate("summary", { segments, language: null, template });
    expect(result.decisions).toEqual([DECISION]);
    expect(result.actionItems).toEqual([{ ...ACTION, priority: "medium" }]);
    if (template === "General Narrative") expect(result.summary).toContain(DECISION);
  });

  it("a question about it cites a segment of the last minute", async () => {
    const { result } = await provider.generate("query", {
      segments,
      language: null,
      query: "When is the legacy importer sunset?",
    });
    expect(result.citedSegmentIndexes.length).toBeGreaterThan(0);
    for (const index of result.citedSegmentIndexes) expect(segments[index]?.start).toBeGreaterThanOrEqual(lastMinute);
  });
});
