import { describe, expect, it } from "vitest";
import { analyseSalience, topKeywords, topSentences } from "../../src/ai/extractive/salience";
import { headingOf, topicSections, topicSpans } from "../../src/ai/extractive/sections";
import { segmentSentences } from "../../src/ai/extractive/sentences";
import { segmentsOf } from "./extractive-fixtures";

const GARDEN = [
  "The tomato seedlings need more sunlight in the greenhouse.",
  "Water the tomato beds early before the greenhouse heats up.",
  "Compost from the greenhouse keeps the tomato soil rich.",
  "Prune the tomato vines so the greenhouse air can move.",
  "The greenhouse vents stay open for the tomato plants.",
];
const DATABASE = [
  "The database index on invoices makes the query slow.",
  "Rebuild the invoices index after the database migration.",
  "The query planner ignores the invoices index on the replica database.",
  "Vacuum the database before the invoices query runs.",
  "The replica database lags behind when the invoices query spikes.",
];

/** `blocks` repetitions of each topic's sentences, topics one after the other. */
function meeting(topics: string[][], blocks: number) {
  const lines: [string, string][] = [];
  topics.forEach((topic, t) => {
    for (let i = 0; i < blocks; i++) for (const text of topic) lines.push([t % 2 === 0 ? "Alice" : "Bob", text]);
  });
  return analyseSalience(segmentSentences(segmentsOf(lines)));
}

describe("topicSpans", () => {
  it("keeps a short meeting in one section", () => {
    expect(topicSpans(meeting([GARDEN], 1))).toEqual([{ from: 0, to: 5 }]);
  });

  it("starts a new section where the vocabulary changes", () => {
    expect(topicSpans(meeting([GARDEN, DATABASE], 4))).toEqual([
      { from: 0, to: 20 },
      { from: 20, to: 40 },
    ]);
  });

  it("finds each shift of a meeting with three topics", () => {
    expect(topicSpans(meeting([DATABASE, GARDEN, DATABASE], 4)).map((span) => span.from)).toEqual([0, 20, 40]);
  });

  it("cuts a meeting without shifts into equal spans", () => {
    const spans = topicSpans(meeting([GARDEN], 12));
    expect(spans.length).toBe(5);
    expect(spans.every((span) => span.to - span.from === 12)).toBe(true);
  });
});

describe("headings and points", () => {
  it("heads each section with its top keywords and quotes its most salient sentences in order", () => {
    const salience = meeting([GARDEN, DATABASE], 4);
    const sections = topicSections(salience, 3);
    expect(sections.map((section) => section.heading)).toEqual([
      // Ties in count × idf go alphabetically: "greenhouse" and "tomato" are in every garden sentence.
      "Greenhouse, tomato and air",
      "Database, invoices and query",
    ]);
    expect(sections[0]?.points).toHaveLength(3);
    expect(sections[0]?.points.every((point) => GARDEN.includes(point))).toBe(true);
    expect(sections[1]?.points.every((point) => DATABASE.includes(point))).toBe(true);
  });

  it("falls back to the given heading when a span has no content words", () => {
    const salience = analyseSalience(segmentSentences(segmentsOf([["Alice", "Yes, okay, sure."]])));
    expect(headingOf(salience, { from: 0, to: 1 }, "Part 1")).toBe("Part 1");
  });

  it("ranks keywords said more than once first, and skips repeated sentences", () => {
    const salience = analyseSalience(
      segmentSentences(
        segmentsOf([
          ["Alice", "Budget budget budget review."],
          ["Bob", "The budget review matters for hiring."],
          ["Alice", "The budget review matters for hiring."],
        ]),
      ),
    );
    expect(topKeywords(salience, 0, 3, 2)).toEqual(["budget", "review"]);
    expect(topSentences(salience, [0, 1, 2], 3)).toEqual([0, 1]);
  });
});
