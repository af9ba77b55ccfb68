import { describe, expect, it } from "vitest";
import { extractActionItems, priorityOf } from "../../src/ai/extractive/actions";
import { nameGuesser } from "../../src/ai/extractive/names";
import { segmentSentences } from "../../src/ai/extractive/sentences";
import { segmentsOf } from "./extractive-fixtures";

/** The action items of one sentence said by Alice, in a meeting where "pricing" is also written in lower case. */
function itemsOf(text: string) {
  const sentences = segmentSentences(
    segmentsOf([
      ["Alice", text],
      ["Bob", "The pricing page needs work."],
    ]),
  );
  return extractActionItems(sentences, nameGuesser(sentences)).map(({ item, owner }) => [item, owner]);
}

describe("action items", () => {
  it.each([
    ["I'll send the deck to the client.", [["Send the deck to the client", "Alice"]]],
    ["I will book the room for the offsite.", [["Book the room for the offsite", "Alice"]]],
    ["I'm going to draft the proposal tonight.", [["Draft the proposal tonight", "Alice"]]],
    ["Bob will update the release notes.", [["Update the release notes", "Bob"]]],
    ["Dana's going to call the vendor.", [["Call the vendor", "Dana"]]],
    ["Bob and Carol will review the contract.", [["Review the contract", "Bob and Carol"]]],
    // SPEC §6.1: the person named as subject, else the speaker — "we need to" and "let's" are the speaker's.
    ["We need to fix the flaky test.", [["Fix the flaky test", "Alice"]]],
    ["Let's schedule a follow-up with legal.", [["Schedule a follow-up with legal", "Alice"]]],
    ["So Bob will send the invoice.", [["Send the invoice", "Bob"]]],
    ["I'll update the docs, because the old page is wrong.", [["Update the docs", "Alice"]]],
    ["Action item: update the onboarding docs.", [["Update the onboarding docs", "Alice"]]],
    ["Action item: Bob to send the invoice.", [["Send the invoice", "Bob"]]],
    ["Action item for Carol: check the logs.", [["Check the logs", "Carol"]]],
    ["TODO rename the billing module.", [["Rename the billing module", "Alice"]]],
    [
      "I'll draft the spec and Bob will review it on Monday.",
      [
        ["Draft the spec", "Alice"],
        ["Review it on Monday", "Bob"],
      ],
    ],
  ])("%j", (text, expected) => {
    expect(itemsOf(text)).toEqual(expected);
  });

  it.each([
    "I'll be honest, it looks rough.",
    "I will say the demo went well.",
    "I'll be out next week.",
    "Let's move on to the next topic.",
    "Let's see what happens.",
    "Pricing will change next year.",
    "It will rain tomorrow.",
    "Everyone will love it.",
    "Will you send the deck?",
    "Should we fix the test?",
    "If we need to, we can postpone.",
    "I will.",
    'Kevin literally said, "I\'ll migrate the DNS myself," and then he left.',
    "My husband keeps saying I'll end up needing surgery.",
    "If we need to roll back, I'll flip the flag.",
    "I'll just move to a farm and raise goats, ha ha.",
    "Hannah's going to kill me, but I merged it.",
    "That's a number your CFO will look at.",
    "Let's come back to that later.",
    "I'm going to press along your spine.",
    "Otherwise Safari will keep rejecting the payment iframe.",
  ])("finds no commitment in %j", (text) => {
    expect(itemsOf(text)).toEqual([]);
  });

  it("lists a commitment repeated later once", () => {
    const sentences = segmentSentences(
      segmentsOf([
        ["Alice", "I'll send the deck."],
        ["Alice", "Again: I'll send the deck."],
      ]),
    );
    expect(extractActionItems(sentences, nameGuesser(sentences))).toHaveLength(1);
  });

  it.each([
    ["Action item: send the report by Friday.", 0.95],
    ["Bob will send the report.", 0.8],
    ["We need to send the report.", 0.6],
    ["Let's send the report.", 0.5],
    ["I'll probably send the report.", 0.6],
  ])("confidence of %j is %s", (text, confidence) => {
    const sentences = segmentSentences(segmentsOf([["Alice", text]]));
    expect(extractActionItems(sentences, nameGuesser(sentences))[0]?.confidence).toBe(confidence);
  });
});

describe("priorityOf", () => {
  it.each([
    ["Fix it ASAP.", "high"],
    ["This is urgent.", "high"],
    ["Send it today.", "high"],
    ["Do it by end of day.", "high"],
    ["No rush, do it at some point.", "low"],
    ["It's a nice to have.", "low"],
    ["Send the report on Thursday.", "medium"],
  ])("%j → %s", (text, priority) => {
    expect(priorityOf(text)).toBe(priority);
  });
});
