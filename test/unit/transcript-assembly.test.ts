import { describe, expect, it } from "vitest";
import { assembleTranscript } from "../../src/services/transcript-assembly";

const transcript = (segments: [string, number, number, string][], durationInSeconds: number | null = null) => ({
  language: "en",
  durationInSeconds,
  segments: segments.map(([speaker, start, end, text]) => ({ speaker, start, end, text })),
});

describe("assembling chunk transcripts", () => {
  it("shifts each chunk's times by its start and labels speakers per chunk in order of first appearance", () => {
    const result = assembleTranscript(
      [
        {
          startSeconds: 0,
          transcript: transcript(
            [
              ["B", 0, 4, "one"],
              ["A", 4, 9.5, "two"],
              ["B", 9.5, 10, "three"],
            ],
            10,
          ),
        },
        {
          startSeconds: 10,
          transcript: transcript(
            [
              ["A", 0, 3, "four"],
              ["C", 3.25, 8, "five"],
            ],
            9,
          ),
        },
      ],
      null,
    );
    expect(result.segments).toEqual([
      { speaker: "Speaker 1", start: 0, end: 4, text: "one" },
      { speaker: "Speaker 2", start: 4, end: 9.5, text: "two" },
      { speaker: "Speaker 1", start: 9.5, end: 10, text: "three" },
      // "A" of the second chunk need not be "A" of the first: a label of its own, merged by renaming.
      { speaker: "Speaker 3", start: 10, end: 13, text: "four" },
      { speaker: "Speaker 4", start: 13.25, end: 18, text: "five" },
    ]);
    expect(result.labels).toEqual(["Speaker 1", "Speaker 2", "Speaker 3", "Speaker 4"]);
    expect(result.durationSeconds).toBe(19);
    expect(result.language).toBe("en");
  });

  it("takes the requested language, keeps times ordered and falls back to the last end for the duration", () => {
    const result = assembleTranscript(
      [
        {
          startSeconds: 60,
          transcript: {
            ...transcript([
              ["x", -0.5, 2, "a"],
              ["x", 5, 4, "b"],
            ]),
            language: "fr",
          },
        },
      ],
      "de",
    );
    expect(result.segments.map((s) => [s.start, s.end])).toEqual([
      [60, 62],
      [65, 65],
    ]);
    expect(result.durationSeconds).toBe(65);
    expect(result.language).toBe("de");
    expect(assembleTranscript([], null)).toEqual({ segments: [], labels: [], durationSeconds: 0, language: null });
  });
});
