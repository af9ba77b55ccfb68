import { describe, expect, it } from "vitest";
import { extractDecisions, isDecision } from "../../src/ai/extractive/decisions";
import { segmentSentences } from "../../src/ai/extractive/sentences";
import { segmentsOf } from "./extractive-fixtures";

describe("decisions", () => {
  it.each([
    ["We decided to launch in March.", true],
    ["We've decided against the rewrite.", true],
    ["We agreed to move the invite step.", true],
    ["Everyone agreed on the new price.", true],
    ["Decision: Postgres stays.", true],
    ["The decision is to hire two engineers.", true],
    ["We'll go with the blue design.", true],
    ["Let's go with option B.", true],
    ["We're going with the annual plan.", true],
    ["We settled on a two-week sprint.", true],
    ["Have we decided on the venue?", false],
    ["We haven't decided yet.", false],
    ["I agree with you.", false],
    ["We should decide soon.", false],
    ["They will go to the conference.", false],
    ["If we decided to drop Safari support, we'd lose checkouts.", false],
    ['Our last vendor told us, "we\'ll go with whatever works for you," and ignored us.', false],
    ["Kevin said we'll go with Cloudflare, but nobody agreed.", false],
  ])("%j → %s", (text, expected) => {
    expect(isDecision(text)).toBe(expected);
  });

  it("quotes each decision once, cleaned, with the sentence it came from", () => {
    const sentences = segmentSentences(
      segmentsOf([
        ["Alice", "Okay, so we decided to launch in March."],
        ["Bob", "Sounds good."],
        ["Carol", "We decided to launch in March."],
      ]),
    );
    const decisions = extractDecisions(sentences);
    expect(decisions.map(({ text, sentence }) => [text, sentence.speaker])).toEqual([
      ["We decided to launch in March.", "Alice"],
    ]);
  });
});
