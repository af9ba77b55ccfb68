import { describe, expect, it } from "vitest";
import { computeInsights } from "../../src/services/transcript-insights";

type Segment = { speaker: string; start: number; end: number; text: string };
const seg = (speaker: string, start: number, end: number, text = ""): Segment => ({ speaker, start, end, text });

/** One speaker saying `text` for a minute: isolates the per-text counters. */
const saying = (text: string) => {
  const [only] = computeInsights([seg("A", 0, 60, text)]).speakers;
  if (!only) throw new Error("no speaker");
  return only;
};

describe("computeInsights", () => {
  it("returns zeros and no speakers for an empty transcript", () => {
    expect(computeInsights([])).toEqual({
      meeting: { durationSeconds: 0, speakerCount: 0, questionCount: 0, silenceSeconds: 0, interruptionCount: 0 },
      speakers: [],
    });
  });

  it("computes a small meeting with an overlap, silence, an interruption, questions and fillers", () => {
    const insights = computeInsights([
      seg("Alice", 0, 10, "Hello everyone, um, let's start. Any questions?"),
      seg("Bob", 8, 12, "Yes? I mean, what about the budget?"),
      seg("Alice", 15, 20, "You know, the umbrella budget is fine."),
    ]);
    // union [0,12] + [15,20] = 17 of 20 s; Bob starts at 8 inside Alice's [0,10].
    expect(insights.meeting).toEqual({
      durationSeconds: 20,
      speakerCount: 2,
      questionCount: 3,
      silenceSeconds: 3,
      interruptionCount: 1,
    });
    expect(insights.speakers).toEqual([
      {
        speaker: "Alice",
        talkTimeSeconds: 15, // 10 + 5
        talkTimePct: 78.9, // 15 / 19 = 78.947…
        wordCount: 14,
        wordsPerMinute: 56, // 14 / (15 / 60)
        longestMonologueSeconds: 10, // turns [0,10] and [15,20]
        monologueCount: 0,
        questionCount: 1,
        fillerWordCount: 2, // "um", "You know" ("umbrella" is not "um")
      },
      {
        speaker: "Bob",
        talkTimeSeconds: 4,
        talkTimePct: 21.1, // 4 / 19 = 21.052…
        wordCount: 7,
        wordsPerMinute: 105, // 7 / (4 / 60)
        longestMonologueSeconds: 4,
        monologueCount: 0,
        questionCount: 2,
        fillerWordCount: 1, // "I mean"
      },
    ]);
  });

  it("counts turns of exactly 60 s as monologues and 59.99 s turns not; a turn spans gaps", () => {
    const insights = computeInsights([
      seg("A", 0, 20, "one two"),
      seg("A", 40, 60, "three"), // A's first turn: 60 − 0 = 60
      seg("B", 61, 120.99, "four five six"), // B's turn: 59.99
      seg("A", 121, 130, "seven"), // A's second turn: 9
    ]);
    expect(insights.meeting).toEqual({
      durationSeconds: 130,
      speakerCount: 2,
      questionCount: 0,
      silenceSeconds: 21.01, // gaps 20 + 1 + 0.01
      interruptionCount: 0,
    });
    expect(insights.speakers).toEqual([
      {
        speaker: "B",
        talkTimeSeconds: 59.99,
        talkTimePct: 55, // 59.99 / 108.99 = 55.04…
        wordCount: 3,
        wordsPerMinute: 3, // 3 / (59.99 / 60) = 3.0005
        longestMonologueSeconds: 59.99,
        monologueCount: 0,
        questionCount: 0,
        fillerWordCount: 0,
      },
      {
        speaker: "A",
        talkTimeSeconds: 49,
        talkTimePct: 45, // 49 / 108.99 = 44.958…
        wordCount: 4,
        wordsPerMinute: 5, // 4 / (49 / 60) = 4.897…
        longestMonologueSeconds: 60,
        monologueCount: 1,
        questionCount: 0,
        fillerWordCount: 0,
      },
    ]);
  });

  it("measures a turn from its first start to its last segment's end, in start order", () => {
    // Input out of order: in start order the turns are A[0,30] A[30,70] | B[70,80] | A[80,200].
    const insights = computeInsights([seg("A", 80, 200), seg("B", 70, 80), seg("A", 30, 70), seg("A", 0, 30)]);
    const byName = Object.fromEntries(insights.speakers.map((s) => [s.speaker, s]));
    expect(byName.A?.longestMonologueSeconds).toBe(120);
    expect(byName.A?.monologueCount).toBe(2); // 70 and 120
    expect(byName.B?.monologueCount).toBe(0);
  });

  it("ends a turn and the meeting at the latest end when a segment is nested in an earlier one", () => {
    const insights = computeInsights([seg("A", 0, 100), seg("A", 10, 20), seg("B", 30, 40)]);
    expect(insights.meeting.durationSeconds).toBe(100);
    expect(insights.meeting.silenceSeconds).toBe(0);
    expect(insights.meeting.interruptionCount).toBe(1);
    expect(insights.speakers[0]).toMatchObject({ speaker: "A", longestMonologueSeconds: 100, monologueCount: 1 });
  });

  it("rounds half up on the decimal value: seconds to 0.01, percentages to 0.1, wpm to an integer", () => {
    const pct = computeInsights([seg("A", 0, 33.35), seg("B", 33.35, 100)]);
    expect(pct.speakers.map((s) => [s.speaker, s.talkTimeSeconds, s.talkTimePct])).toEqual([
      ["B", 66.65, 66.7], // 66.65 %
      ["A", 33.35, 33.4], // 33.35 %
    ]);
    // 1.005 is 1.00499999… as a double: naive Math.round(x * 100) / 100 gives 1.
    const seconds = computeInsights([seg("A", 2, 3.005, "word")]);
    expect(seconds.speakers[0]?.talkTimeSeconds).toBe(1.01);
    expect(seconds.meeting.durationSeconds).toBe(1.01);
    // 1 word in 40 s = 1.5 wpm → 2; 1 word in 41 s = 1.46… → 1.
    expect(computeInsights([seg("A", 0, 40, "word")]).speakers[0]?.wordsPerMinute).toBe(2);
    expect(computeInsights([seg("A", 0, 41, "word")]).speakers[0]?.wordsPerMinute).toBe(1);
    // 1 + 1 + 1 of 3: 33.333… each.
    const thirds = computeInsights([seg("A", 0, 1), seg("B", 1, 2), seg("C", 2, 3)]);
    expect(thirds.speakers.map((s) => s.talkTimePct)).toEqual([33.3, 33.3, 33.3]);
  });

  it("sums many small intervals without floating-point drift", () => {
    const segments = Array.from({ length: 1000 }, (_, i) => seg(i % 2 ? "A" : "B", i * 0.1, i * 0.1 + 0.1));
    const insights = computeInsights(segments);
    expect(insights.meeting.durationSeconds).toBe(100);
    expect(insights.meeting.silenceSeconds).toBe(0);
    expect(insights.speakers.map((s) => s.talkTimeSeconds)).toEqual([50, 50]);
  });

  it("gives zero wpm and zero percentages when nobody talks for any time", () => {
    const insights = computeInsights([seg("A", 5, 5, "um what?")]);
    expect(insights.meeting).toEqual({
      durationSeconds: 0,
      speakerCount: 1,
      questionCount: 1,
      silenceSeconds: 0,
      interruptionCount: 0,
    });
    expect(insights.speakers[0]).toMatchObject({ talkTimeSeconds: 0, talkTimePct: 0, wordCount: 2, wordsPerMinute: 0 });
  });

  it("computes silence from the union of overlapping and nested segments", () => {
    const insights = computeInsights([
      seg("A", 10, 50),
      seg("B", 20, 30), // nested in A
      seg("C", 45, 60), // overlaps A's end
      seg("A", 70, 80),
      seg("B", 75, 90),
    ]);
    // union: [10,60] + [70,90] = 70 of 80 s
    expect(insights.meeting.durationSeconds).toBe(80);
    expect(insights.meeting.silenceSeconds).toBe(10);
  });

  it("breaks talk-time ties by first appearance in start order", () => {
    const insights = computeInsights([seg("Zed", 10, 15), seg("Amy", 5, 10), seg("Bo", 5, 10)]);
    expect(insights.speakers.map((s) => s.speaker)).toEqual(["Amy", "Bo", "Zed"]);
  });

  const interruptions: [string, Segment[], number][] = [
    ["starting exactly at another's end", [seg("A", 0, 10), seg("B", 10, 12)], 0],
    ["the same speaker overlapping itself", [seg("A", 0, 10), seg("A", 5, 8)], 0],
    ["starting at the same time", [seg("A", 0, 10), seg("B", 0, 5)], 0],
    ["strictly inside another's segment", [seg("A", 0, 10), seg("B", 9.99, 20)], 1],
    ["inside a zero-length segment (nothing is)", [seg("A", 5, 5), seg("B", 5, 6)], 0],
    ["a zero-length segment inside another's", [seg("A", 0, 10), seg("B", 5, 5)], 1],
    ["back into one's own long turn, inside another", [seg("A", 0, 100), seg("B", 10, 20), seg("A", 15, 30)], 2],
    // A's own [0,100] ends last, but B's [0,40] (another speaker) still covers 30.
    ["inside another while inside one's own longer one", [seg("A", 0, 100), seg("B", 0, 40), seg("A", 30, 35)], 1],
    ["inside an earlier long segment after others", [seg("A", 0, 100), seg("B", 10, 20), seg("C", 50, 60)], 2],
    ["counted once when inside several", [seg("A", 0, 10), seg("B", 0, 10), seg("C", 5, 6)], 1],
    ["input order does not matter", [seg("B", 5, 6), seg("A", 0, 10)], 1],
  ];
  it.each(interruptions)("interruptions: %s", (_name, segments, expected) => {
    expect(computeInsights(segments).meeting.interruptionCount).toBe(expected);
  });

  it("counts interruptions as a pairwise check would, on random overlapping meetings", () => {
    let state = 42;
    const random = () => {
      state = (state * 48_271) % 2_147_483_647; // MINSTD: exact in doubles, deterministic
      return state / 2_147_483_647;
    };
    for (let round = 0; round < 50; round++) {
      const segments = Array.from({ length: 60 }, () => {
        const start = Math.floor(random() * 200) / 4;
        return seg(`S${Math.floor(random() * 4)}`, start, start + Math.floor(random() * 40) / 4);
      });
      const pairwise = segments.filter((s) =>
        segments.some((t) => t.speaker !== s.speaker && t.start < s.start && s.start < t.end),
      ).length;
      expect(computeInsights(segments).meeting.interruptionCount).toBe(pairwise);
    }
  });

  const fillers: [string, number][] = [
    ["um", 1],
    ["Umm, uh, uhh.", 3],
    ["Erm, er, ah... hmm!", 4],
    ["umbrella, her, ahead, hmmm, summer", 0],
    ["You know, it works", 1],
    ["you know you know", 2],
    ["you\nknow", 1],
    ["I mean, sure", 1],
    ["I. Mean it", 0],
    ["I meant it; you knowing that", 0],
    ["sort of kind of", 2],
    ["a SORT OF thing, KIND of", 2],
    ["Basically, it's literally fine", 2],
    ["'um' he said", 1],
    ["uh-huh", 1],
    ["um's", 0],
  ];
  it.each(fillers)("filler words in %j: %i", (text, expected) => {
    expect(saying(text).fillerWordCount).toBe(expected);
  });

  const words: [string, number][] = [
    ["Hello, world", 2],
    ["  a  b  ", 2],
    ["— ... !", 0],
    ["3 apples", 2],
    ["l'été 日本語", 2],
    ["a\u00a0b\u3000c\td\ne", 5],
    ["𝐀𝐁 😀 ½ ...x", 3],
    ["", 0],
  ];
  it.each(words)("word count of %j: %i", (text, expected) => {
    expect(saying(text).wordCount).toBe(expected);
  });

  it("counts every question mark", () => {
    expect(saying("What? Really?? ¿Sí?").questionCount).toBe(4);
    expect(saying("No questions here.").questionCount).toBe(0);
  });
});
