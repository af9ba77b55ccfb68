import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ai/extractive/analysis";
import { categoryScores, feedbackFor, speakerFeatures } from "../../src/ai/extractive/feedback";
import type { PromptSegment } from "../../src/ai/generations";
import { AiProviderError } from "../../src/ai/provider";

const at = (index: number, speaker: string, start: number, end: number, text: string): PromptSegment => ({
  index,
  speaker,
  start,
  end,
  text,
});

/** Alice holds a 100 s turn and talks over Bob once; Bob talks over Alice once, asks two questions, states a decision. */
const MEETING = [
  at(0, "Alice", 0, 70, "We need to cut the cloud bill. Um the storage costs doubled."),
  at(1, "Alice", 70, 100, "I'll move the old logs to cold storage by Friday."),
  at(2, "Bob", 95, 110, "What about the backups? Are they in scope?"),
  at(3, "Alice", 105, 120, "Backups stay where they are."),
  at(4, "Bob", 120, 130, "We agreed to review the bill monthly."),
];

describe("speakerFeatures", () => {
  it.each([
    [
      "Alice",
      {
        speakerCount: 2,
        talkShare: 115 / 140,
        words: 27,
        wordsPerMinute: 14,
        fillerWords: 1,
        averageSentenceWords: 27 / 4,
        turns: 2,
        longestTurnSeconds: 100,
        averageTurnSeconds: 57.5,
        monologues: 1,
        questions: 0,
        interruptionsMade: 1,
        inclusiveWords: 1,
        decisions: 0,
        actionItems: 2,
      },
    ],
    [
      "Bob",
      {
        speakerCount: 2,
        talkShare: 25 / 140,
        words: 15,
        wordsPerMinute: 36,
        fillerWords: 0,
        averageSentenceWords: 5,
        turns: 2,
        longestTurnSeconds: 15,
        averageTurnSeconds: 12.5,
        monologues: 0,
        questions: 2,
        interruptionsMade: 1,
        inclusiveWords: 1,
        decisions: 1,
        actionItems: 0,
      },
    ],
  ])("measures %s", (speaker, expected) => {
    expect(speakerFeatures(analyse(MEETING), speaker)).toEqual(expected);
  });
});

describe("categoryScores", () => {
  it.each([
    // clarity 10 − 2.96 (filler) − 3 (pace); listening 10 − 2.57 (dominance) − 3 (interruptions);
    // time 10 − 1.5 (monologue) − 1 (long turns); collaboration 4 + 1.48 (we) − 0.5; decisions 4 + 2 items.
    ["Alice", { clarity: 4, listening: 4.4, timeManagement: 7.5, collaboration: 5, decisionMaking: 6 }],
    // clarity 10 − 3 (pace); listening 10 − 3 + 0.5 (questions); collaboration 4 + 1 + 2 − 0.5; decisions 4 + 2.
    ["Bob", { clarity: 7, listening: 7.5, timeManagement: 10, collaboration: 6.5, decisionMaking: 6 }],
  ])("scores %s from the features", (speaker, expected) => {
    expect(categoryScores(speakerFeatures(analyse(MEETING), speaker))).toEqual(expected);
  });

  it("keeps every score within 0–10", () => {
    const extreme = {
      speakerCount: 10,
      talkShare: 1,
      words: 100,
      wordsPerMinute: 400,
      fillerWords: 100,
      averageSentenceWords: 200,
      turns: 1,
      longestTurnSeconds: 3600,
      averageTurnSeconds: 3600,
      monologues: 10,
      questions: 0,
      interruptionsMade: 50,
      inclusiveWords: 0,
      decisions: 0,
      actionItems: 0,
    };
    for (const score of Object.values(categoryScores(extreme))) expect(score).toBeGreaterThanOrEqual(0);
    const generous = { ...extreme, speakerCount: 2, talkShare: 0.5, fillerWords: 0, wordsPerMinute: 140 };
    const best = {
      ...generous,
      averageSentenceWords: 10,
      monologues: 0,
      longestTurnSeconds: 20,
      averageTurnSeconds: 20,
    };
    const scores = categoryScores({
      ...best,
      interruptionsMade: 0,
      questions: 20,
      inclusiveWords: 50,
      turns: 9,
      decisions: 5,
      actionItems: 5,
    });
    expect(scores).toEqual({ clarity: 10, listening: 10, timeManagement: 10, collaboration: 10, decisionMaking: 10 });
  });
});

describe("feedbackFor", () => {
  it("makes the weakest category the top priority and explains scores with the measured features", () => {
    const feedback = feedbackFor(analyse(MEETING), "Alice");
    expect(feedback.overallScore).toBe(5.4);
    expect(feedback.topPriority).toBe("Pause instead of filling silences, and make one point per sentence.");
    expect(feedback.strengths).toEqual([
      "Kept turns short: the longest lasted 100 s, with 1 monologue of a minute or more.",
    ]);
    expect(feedback.growthAreas).toEqual([
      "Used 1 filler word (3.7 per 100) at 14 words per minute, averaging 7 words a sentence.",
      "Spoke for 82% of the talk time (an even share among 2 speakers is 50%) and started 1 segment while someone else was speaking.",
      "Asked 0 questions over 2 turns.",
    ]);
    expect(feedback.actionPlan).toHaveLength(3);
    expect(feedback.actionPlan[0]).toBe(feedback.topPriority);
  });

  it("refuses a speaker who is not in the transcript", () => {
    expect(() => feedbackFor(analyse(MEETING), "Zed")).toThrow(AiProviderError);
  });
});
