import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ai/extractive/analysis";
import { answerQuery } from "../../src/ai/extractive/answer";
import { answerFrom, bestSegments, rankSegments } from "../../src/ai/extractive/query";
import { STANDUP, segmentsOf } from "./extractive-fixtures";

const SEGMENTS = segmentsOf([
  ["Alice", "The budget for the marketing campaign is forty thousand."],
  ["Bob", "Marketing wants a bigger budget next quarter."],
  ["Carol", "The office plants need watering."],
  ["Bob", "Our hiring plan adds two engineers."],
]);

describe("rankSegments (BM25)", () => {
  it("ranks segments by the query's stems, rarer words weighing more, and leaves out non-matches", () => {
    const ranked = rankSegments(SEGMENTS, "What is the marketing campaign budget?");
    expect(ranked.map(({ segment }) => segment.index)).toEqual([0, 1]);
    expect(ranked[0]?.score).toBeGreaterThan(ranked[1]?.score ?? Number.POSITIVE_INFINITY);
  });

  it("matches across word forms through stemming", () => {
    expect(rankSegments(SEGMENTS, "hire engineering").map(({ segment }) => segment.index)).toEqual([3]);
  });

  it.each(["", "what is it?", "the and of"])("finds nothing for %j (no content words)", (query) => {
    expect(rankSegments(SEGMENTS, query)).toEqual([]);
  });
});

describe("query answers", () => {
  it("cites the best segments, in meeting order, and quotes them", () => {
    const cited = bestSegments(SEGMENTS, "marketing budget");
    expect(cited.map((segment) => segment.index)).toEqual([0, 1]);
    expect(answerFrom("marketing budget", cited)).toContain(
      'Alice (00:00:00): "The budget for the marketing campaign is forty thousand."',
    );
  });

  it("says so, without citations, when nothing matches", () => {
    const result = answerQuery(analyse(STANDUP), "What about the quarterly tax filing?");
    expect(result.citedSegmentIndexes).toEqual([]);
    expect(result.response).toMatch(/does not appear to discuss/);
  });

  it("answers questions about decisions from the decisions, citing their segments", () => {
    const result = answerQuery(analyse(STANDUP), "What did we decide?");
    expect(result.citedSegmentIndexes).toEqual([7, 16]);
    expect(result.response).toContain("We agreed to move the invite step to the end of onboarding.");
  });

  it("answers questions about action items from the action items", () => {
    const result = answerQuery(analyse(STANDUP), "What are the next steps?");
    expect(result.citedSegmentIndexes).toEqual([6, 9, 17, 18, 19]);
    expect(result.response).toContain("Update the release notes by Friday — Dana");
  });

  it("answers other questions by retrieval and suggests queries from the meeting's keywords", () => {
    const result = answerQuery(analyse(STANDUP), "Why do the webhook retries fail?");
    expect(result.citedSegmentIndexes).toContain(3);
    expect(result.suggestedQueries).toEqual([
      "What was decided?",
      "What are the action items?",
      "What was said about onboarding?",
      "What was said about release?",
    ]);
  });
});

describe("questions about particular commitments", () => {
  it("narrows the action items to those about the query's topic", () => {
    const result = answerQuery(analyse(STANDUP), "Who will update the release notes?");
    expect(result.response).toBe("Action items from the meeting:\n- Update the release notes by Friday — Dana");
    expect(result.citedSegmentIndexes).toEqual([9]);
  });

  it("narrows the decisions to those about the query's topic", () => {
    const result = answerQuery(analyse(STANDUP), "What did we decide about onboarding?");
    expect(result.citedSegmentIndexes).toEqual([16]);
  });
});
