import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors";
import { parseSubtitles } from "../../src/services/transcript-import";

function refusal(format: "vtt" | "srt", content: string): ApiError {
  try {
    parseSubtitles(format, content);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("the file was accepted");
}

const messages = (error: ApiError) => {
  expect(error.code).toBe("validation_error");
  for (const issue of error.options.errors ?? []) expect(issue.location).toBe("body.content");
  return (error.options.errors ?? []).map((issue) => issue.message);
};

/** `count` SRT cues of one second each, four lines per cue (index, timing, text, blank). */
function srtCues(count: number): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const time = (s: number) => `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)},000`;
  return Array.from({ length: count }, (_, i) => `${i + 1}\n${time(i)} --> ${time(i + 1)}\ncue ${i + 1}\n`).join("\n");
}

describe("parseSubtitles: WebVTT", () => {
  it("reads voice tags, identifiers, settings, both timestamp forms, entities, comments and CRLF", () => {
    const content = [
      "\uFEFFWEBVTT - Meeting export",
      "Kind: captions",
      "",
      "NOTE This is a comment",
      "spanning two lines",
      "",
      "STYLE",
      "::cue { color: red }",
      "",
      "REGION",
      "id:fred width:40%",
      "",
      "",
      "intro",
      "00:00:01.000 --> 00:00:04.500 align:start position:10%",
      "<v Alice>Hello &amp; welcome,",
      "  <i>everyone</i> &lt;3 &gt; &quot;x&quot; &#39;y&#x27;",
      "",
      "00:04.500-->00:06.000",
      "<v.loud.slow Bob Smith>Thanks!</v>",
      "",
      "3",
      "01:00:00.000 --> 01:00:02.250",
      "Carol: Next <c.yellow>item</c>&nbsp;please",
      "",
      "00:01:10.000 --> 00:01:11.000",
      "Note: the deadline moved",
      "",
      "00:01:12.000 --> 00:01:12.000",
      "<v Dave>Bob: hi",
      "",
      "123:00:00.001 --> 123:00:00.002",
      "<v   >Late &amp;c.",
    ].join("\r\n");
    expect(parseSubtitles("vtt", content)).toEqual([
      { speaker: "Alice", start: 1, end: 4.5, text: "Hello & welcome, everyone <3 > \"x\" 'y'" },
      { speaker: "Bob Smith", start: 4.5, end: 6, text: "Thanks!" },
      { speaker: "Carol", start: 3600, end: 3602.25, text: "Next item\u00a0please" },
      { speaker: "Speaker 1", start: 70, end: 71, text: "Note: the deadline moved" },
      { speaker: "Dave", start: 72, end: 72, text: "Bob: hi" },
      { speaker: "Speaker 1", start: 442_800.001, end: 442_800.002, text: "Late &c." },
    ]);
  });

  it("tolerates CR line endings, blank lines full of spaces, and a cue without text", () => {
    const content = "WEBVTT\r\r00:01.000 --> 00:02.000\r<v A>one\r  \r\r00:03.000 --> 00:04.000\r";
    expect(parseSubtitles("vtt", content)).toEqual([
      { speaker: "A", start: 1, end: 2, text: "one" },
      { speaker: "Speaker 1", start: 3, end: 4, text: "" },
    ]);
  });

  const malformed: [string, string, string[]][] = [
    ["no header", "00:01.000 --> 00:02.000\nHi\n", ['line 1: a WebVTT file starts with "WEBVTT"']],
    [
      "a header that only starts like one",
      "WEBVTTX\n\n00:01.000 --> 00:02.000\nHi",
      ['line 1: a WebVTT file starts with "WEBVTT"'],
    ],
    [
      "a cue right after the header",
      "WEBVTT\n00:01.000 --> 00:02.000\nhi\n",
      ["line 2: expected a blank line after the WEBVTT header"],
    ],
    ["no cues", "WEBVTT\n\nNOTE nothing here\n", ["line 1: the file has no cues"]],
    [
      "SRT-style timestamps",
      "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nhi",
      [
        'line 3: invalid start time "00:00:01,000" (expected hh:mm:ss.ttt or mm:ss.ttt)',
        'line 3: invalid end time "00:00:02,000" (expected hh:mm:ss.ttt or mm:ss.ttt)',
      ],
    ],
    [
      "every problem, with its line",
      [
        "WEBVTT", // 1
        "",
        "00:01.000 --> 00:02.000",
        "ok",
        "",
        "00:1.000 --> 00:02.000", // 6
        "bad start",
        "",
        "00:03.000 --> 00:61.000", // 9
        "bad end",
        "",
        "00:05.000 --> 00:04.000", // 12
        "backwards",
        "",
        "just text", // 15
        "",
        "00:06.000 --> 00:07.000",
        "text",
        "00:08.000 --> 00:09.000", // 19: the blank line before it is missing
        "more",
        "",
        "id",
        "00:10.000", // 23
        "x",
      ].join("\n"),
      [
        'line 6: invalid start time "00:1.000" (expected hh:mm:ss.ttt or mm:ss.ttt)',
        'line 9: invalid end time "00:61.000" (expected hh:mm:ss.ttt or mm:ss.ttt)',
        "line 12: the cue ends (00:04.000) before it starts (00:05.000)",
        'line 15: expected a cue timing line "start --> end"',
        "line 19: a timing line inside a cue's text (is the blank line before it missing?)",
        'line 22: expected a cue timing line "start --> end"',
      ],
    ],
  ];
  it.each(malformed)("refuses a malformed file (%s) with line numbers", (_name, content, expected) => {
    expect(messages(refusal("vtt", content))).toEqual(expected);
  });
});

describe("parseSubtitles: SRT", () => {
  it("reads numbered cues with `Name: text`, tags, settings, and hours beyond 99", () => {
    const content = [
      "1",
      "00:00:01,000 --> 00:00:02,500",
      "Alice: Hi there.",
      "How are you?",
      "",
      "",
      "2",
      "00:00:03,000 --> 00:00:04,000 X1:100 X2:200 Y1:1 Y2:2",
      '{\\an8}<i>no speaker</i> <font color="red">here</font> a < b',
      "",
      "3",
      "100:00:00,000 --> 100:00:01,001",
      "Speaker 2: Late",
    ].join("\r\n");
    expect(parseSubtitles("srt", `\uFEFF${content}`)).toEqual([
      { speaker: "Alice", start: 1, end: 2.5, text: "Hi there. How are you?" },
      { speaker: "Speaker 1", start: 3, end: 4, text: "no speaker here a < b" },
      { speaker: "Speaker 2", start: 360_000, end: 360_001.001, text: "Late" },
    ]);
  });

  const speakers: [string, string, string][] = [
    ["Alice: hi", "Alice", "hi"],
    ["Dr. Jane O'Neil: hi", "Dr. Jane O'Neil", "hi"],
    ["Ludwig van Beethoven: hi", "Ludwig van Beethoven", "hi"],
    ["Speaker 3: hi", "Speaker 3", "hi"],
    ["ALICE: hi", "ALICE", "hi"],
    ["李雷: 你好", "李雷", "你好"],
    ["Jean-Luc:", "Jean-Luc", ""],
    ["Note: the deadline moved", "Speaker 1", "Note: the deadline moved"],
    ["Warning: hot", "Speaker 1", "Warning: hot"],
    ["Re: budget", "Speaker 1", "Re: budget"],
    ["alice: hi", "Speaker 1", "alice: hi"],
    ["The Quick Brown Fox Jumps: five words", "Speaker 1", "The Quick Brown Fox Jumps: five words"],
    ["At 10:30 we start", "Speaker 1", "At 10:30 we start"],
    ["Bob:hi", "Speaker 1", "Bob:hi"],
    [`${"A".repeat(41)}: too long a name`, "Speaker 1", `${"A".repeat(41)}: too long a name`],
  ];
  it.each(speakers)("speaker of the cue %j: %j", (text, speaker, rest) => {
    expect(parseSubtitles("srt", `1\n00:00:01,000 --> 00:00:02,000\n${text}\n`)).toEqual([
      { speaker, start: 1, end: 2, text: rest },
    ]);
  });

  it("accepts a cue whose number is missing", () => {
    expect(parseSubtitles("srt", "00:00:01,000 --> 00:00:02,000\nhi")).toEqual([
      { speaker: "Speaker 1", start: 1, end: 2, text: "hi" },
    ]);
  });

  const malformed: [string, string, string[]][] = [
    ["an empty file", "", ["line 1: the file has no cues"]],
    ["only blank lines", "\r\n  \r\n", ["line 1: the file has no cues"]],
    [
      "every problem, with its line",
      [
        "1", // 1
        "00:00:01,000 --> 00:00:02,000",
        "ok",
        "",
        "two", // 5
        "00:00:03,000 --> 00:00:04,000",
        "text",
        "",
        "3",
        "hello", // 10
        "",
        "4",
        "00:00:05,000 --> 00:00:04,999", // 13
        "x",
        "",
        "5",
        "00:00:06 --> 00:00:07,000", // 17
        "x",
        "6",
        "00:00:08,000 --> 00:00:09,000", // 20: the blank line before "6" is missing
        "y",
      ].join("\n"),
      [
        "line 5: expected a cue number",
        'line 10: expected a cue timing line "hh:mm:ss,ttt --> hh:mm:ss,ttt"',
        "line 13: the cue ends (00:00:04,999) before it starts (00:00:05,000)",
        'line 17: invalid start time "00:00:06" (expected hh:mm:ss,ttt)',
        "line 20: a timing line inside a cue's text (is the blank line before it missing?)",
      ],
    ],
  ];
  it.each(malformed)("refuses a malformed file (%s) with line numbers", (_name, content, expected) => {
    expect(messages(refusal("srt", content))).toEqual(expected);
  });
});

describe("parseSubtitles: limits", () => {
  it("takes up to 10,000 characters of text per cue", () => {
    const cue = (text: string) => `1\n00:00:01,000 --> 00:00:02,000\n${text}\n`;
    expect(parseSubtitles("srt", cue("x".repeat(10_000)))[0]?.text).toHaveLength(10_000);
    expect(messages(refusal("srt", cue("x".repeat(10_001))))).toEqual([
      "line 3: the cue's text is 10,001 characters; at most 10,000 are allowed",
    ]);
  });

  it("takes up to 20,000 cues and names the line of the first one over", () => {
    expect(parseSubtitles("srt", srtCues(20_000))).toHaveLength(20_000);
    expect(messages(refusal("srt", srtCues(20_001)))).toEqual([
      "line 80001: more than 20,000 cues; at most 20,000 are allowed",
    ]);
  });

  it("lists the first 20 problems and says how many there are", () => {
    const content = Array.from({ length: 25 }, (_, i) => `${i + 1}\nnot a timing\n`).join("\n");
    const error = refusal("srt", content);
    expect(messages(error)).toHaveLength(20);
    expect(messages(error)[19]).toBe('line 59: expected a cue timing line "hh:mm:ss,ttt --> hh:mm:ss,ttt"');
    expect(error.message).toBe("The SRT file is malformed: 25 problems; the first 20 are listed.");
  });

  it("says how many problems a short list has", () => {
    expect(refusal("vtt", "WEBVTT\n\nx\n\ny").message).toBe("The WebVTT file is malformed: 2 problems.");
    expect(refusal("vtt", "").message).toBe("The WebVTT file is malformed: 1 problem.");
  });
});
