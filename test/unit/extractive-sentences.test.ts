import { describe, expect, it } from "vitest";
import { isQuestion, participants, segmentSentences, splitSentences } from "../../src/ai/extractive/sentences";
import { segmentsOf } from "./extractive-fixtures";

describe("splitSentences", () => {
  it.each([
    ["One. Two! Three?", ["One.", "Two!", "Three?"]],
    ["Dr. Smith said hi. Then left.", ["Dr. Smith said hi.", "Then left."]],
    ["Version 3.5 shipped. Good.", ["Version 3.5 shipped.", "Good."]],
    ["J. K. Rowling wrote it. Yes.", ["J. K. Rowling wrote it.", "Yes."]],
    ["It was Bob and I. We left.", ["It was Bob and I.", "We left."]],
    ['He said "stop." Then we stopped.', ['He said "stop."', "Then we stopped."]],
    ["no punctuation at all", ["no punctuation at all"]],
    ["Wait... what?", ["Wait...", "what?"]],
    ["  ", []],
    ["... !", []],
  ])("%j", (text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
  });

  it("cuts unpunctuated speech into pieces of at most 80 words", () => {
    const text = Array.from({ length: 200 }, (_, i) => `w${i}`).join(" ");
    const pieces = splitSentences(text);
    expect(pieces.length).toBe(3);
    expect(pieces.every((piece) => piece.split(" ").length <= 80)).toBe(true);
    expect(pieces.join(" ")).toBe(text);
  });
});

describe("segmentSentences", () => {
  it("keeps the segment, speaker and times of each sentence, in meeting order", () => {
    const segments = segmentsOf([
      ["Alice", "First point. Second point?"],
      ["Bob", ""],
      ["Bob", "Reply."],
    ]);
    const sentences = segmentSentences(segments.map((segment) => ({ ...segment, index: segment.index + 10 })));
    expect(
      sentences.map(({ order, segmentIndex, segmentPosition, speaker, start, text }) => [
        order,
        segmentIndex,
        segmentPosition,
        speaker,
        start,
        text,
      ]),
    ).toEqual([
      [0, 10, 0, "Alice", 0, "First point."],
      [1, 10, 0, "Alice", 0, "Second point?"],
      [2, 12, 2, "Bob", 20, "Reply."],
    ]);
  });
});

describe("isQuestion and participants", () => {
  it.each([
    ["Is it ready?", true],
    ['Did she say "why?"', true],
    ["It is ready.", false],
    ["Why? Because.", false],
  ])("isQuestion(%j) = %s", (text, expected) => {
    expect(isQuestion(text)).toBe(expected);
  });

  it("lists distinct speakers in order of first appearance", () => {
    const segments = segmentsOf([
      ["Carol", "a"],
      ["Alice", "b"],
      ["Carol", "c"],
      ["Bob", "d"],
    ]);
    expect(participants(segments)).toEqual(["Carol", "Alice", "Bob"]);
  });
});
