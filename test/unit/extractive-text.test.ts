import { describe, expect, it } from "vitest";
import { cleanSentence, stem, terms } from "../../src/ai/extractive/text";

describe("stem", () => {
  it.each([
    [["launch", "launches", "launched", "launching"], "launch"],
    [["price", "prices", "pricing", "priced"], "pric"],
    [["run", "running"], "run"],
    [["company", "companies"], "company"],
    [["status"], "status"],
  ])("maps %j to %s", (forms, expected) => {
    expect(forms.map(stem)).toEqual(forms.map(() => expected));
  });
});

describe("terms", () => {
  it("keeps content words only, stemmed, possessives folded", () => {
    expect(terms("Um, I think we'll launch Bob's pricing page on 3 March, okay?")).toEqual([
      "launch",
      "bob",
      "pric",
      "page",
      "march",
    ]);
  });
});

describe("cleanSentence", () => {
  it.each([
    ["um, so, we ship it, uh, Friday.", "We ship it, Friday."],
    ["Okay, so the plan is simple.", "The plan is simple."],
    ["Yes.", "Yes."],
    ["you know, the deck is done", "The deck is done"],
  ])("%j → %j", (text, expected) => {
    expect(cleanSentence(text)).toBe(expected);
  });
});
