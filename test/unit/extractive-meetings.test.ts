import { describe, expect, it } from "vitest";
import { createExtractiveProvider } from "../../src/ai/extractive";
import { EMAIL_TONES, GENERATION_SCHEMAS, type PromptSegment, SUMMARY_TEMPLATES } from "../../src/ai/generations";
import { CONSULTATION } from "../fixtures/transcripts/consultation";
import { PLANNING } from "../fixtures/transcripts/planning";
import { SALES_CALL } from "../fixtures/transcripts/sales-call";

const provider = createExtractiveProvider();
const keypointsOf = async (segments: PromptSegment[]) =>
  (await provider.generate("keypoints", { segments, language: null })).result;
const summaryOf = async (segments: PromptSegment[], template: (typeof SUMMARY_TEMPLATES)[number]) =>
  (await provider.generate("summary", { segments, language: null, template })).result;
const citedBy = async (segments: PromptSegment[], query: string) =>
  (await provider.generate("query", { segments, language: null, query })).result.citedSegmentIndexes;

/** The one segment whose text contains `text` (the fixture's planted line). */
function segmentWith(segments: PromptSegment[], text: string): PromptSegment {
  const found = segments.filter((segment) => segment.text.includes(text));
  expect(found).toHaveLength(1);
  return found[0] as PromptSegment;
}

/**
 * Every action item found, as [owner, item], must be one of `expected` (owner, start of the item) and every
 * expected one must be found: the planted commitments with their owners, the incidental real ones ("I'll ask
 * her"), and nothing else — no distractor, nothing without a commitment cue.
 */
function expectExactly(found: { owner: string | null; item: string }[], expected: [string, string][]) {
  const unmatched = [...expected];
  const extra: string[] = [];
  for (const { owner, item } of found) {
    const at = unmatched.findIndex(([o, start]) => o === owner && item.startsWith(start));
    if (at < 0) extra.push(`${owner}: ${item}`);
    else unmatched.splice(at, 1);
  }
  expect({ extra, missing: unmatched }).toEqual({ extra: [], missing: [] });
}

const DISTRACTOR_WORDS =
  /DNS|farm|goats|kill me|Safari will|regret|sign anything|CFO will|end up|surgery|sofa|next week never/i;

describe("fixtures: realistic meetings of 30–60 minutes", () => {
  it.each([
    ["planning", PLANNING],
    ["sales call", SALES_CALL],
    ["consultation", CONSULTATION],
  ])("the %s is 30+ minutes at one segment per 5–20 s, with overlaps", (_, segments) => {
    const minutes = ((segments.at(-1)?.end ?? 0) - (segments[0]?.start ?? 0)) / 60;
    expect(minutes).toBeGreaterThanOrEqual(30);
    expect(minutes).toBeLessThanOrEqual(60);
    expect(segments.length).toBeGreaterThanOrEqual(200);
    const perSegment = (minutes * 60) / segments.length;
    expect(perSegment).toBeGreaterThanOrEqual(5);
    expect(perSegment).toBeLessThanOrEqual(20);
    segments.forEach((segment, i) => {
      expect(segment.index).toBe(i);
      expect(segment.end).toBeGreaterThan(segment.start);
    });
    expect(segments.some((s, i) => i > 0 && s.start < (segments[i - 1]?.end ?? 0))).toBe(segments === PLANNING);
  });
});

describe("extractive provider on the planning meeting", () => {
  it("finds each commitment with its owner, and nothing else", async () => {
    const { actionItems } = await keypointsOf(PLANNING);
    expectExactly(actionItems, [
      ["Tom", "Fix the Safari crash on the payment form by Wednesday"],
      ["Tom", "Test both"],
      ["Maya", "Ask her"],
      ["Maya", "Change it in the rotation tool"],
      ["Maya", "Tell the support team and the marketing people"],
      ["Tom", "Update the feature flag docs in the wiki"], // "Action item: Tom to …", said by Maya
      ["Arjun", "Add a count check and a checksum per customer"],
      ["Arjun", "Write the migration script for the invoices table"], // "Arjun will …", said by Maya
      ["Arjun", "Pair with Hannah on the load test tomorrow morning"],
      ["Hannah", "Run the full regression suite on Thursday"], // "Hannah's going to …", said by Maya
      ["Maya", "Put it in the calendar"],
      ["Maya", "Update the status page before the release goes out"], // "we need to" → the speaker
      ["Arjun", "Add the integration tests today"],
      ["Luis", "Schedule a design review for next Tuesday"], // "let's" → the speaker
      ["Luis", "Send the updated empty-state mockups to everyone by end of day"],
      ["Tom", "Just make the button around it bigger"],
      ["Hannah", "Send the board link in the morning"],
    ]);
    const byItem = new Map(actionItems.map((item) => [item.item, item]));
    expect(byItem.get("Pair with Hannah on the load test tomorrow morning")?.priority).toBe("high");
    expect(byItem.get("Send the updated empty-state mockups to everyone by end of day")?.priority).toBe("high");
  });

  it("finds the three decisions, not the hypothetical one", async () => {
    const { decisions } = await keypointsOf(PLANNING);
    expect(decisions).toEqual([
      "Great, then we agreed to move the release to March 18.",
      "We decided to ship the checkout redesign behind a feature flag, starting at ten percent of traffic.",
      "Then we'll go with Postgres advisory locks for the job queue.",
    ]);
  });

  it("finds the upcoming dates with their sentences, not past weekdays, questions or holidays", async () => {
    const { importantDates } = await keypointsOf(PLANNING);
    const dates = importantDates.map(({ date, context }) => `${date} | ${context}`);
    expect(dates).toEqual(
      expect.arrayContaining([
        "Wednesday | I'll fix the Safari crash on the payment form by Wednesday.",
        "March 18 | Great, then we agreed to move the release to March 18.",
        "tomorrow | I'll pair with Hannah on the load test tomorrow morning.",
        "Thursday | Hannah's going to run the full regression suite on Thursday, after the Safari fix is merged.",
        "2026-03-16 | Let's say code freeze is 2026-03-16 at noon, not end of day.",
        "next Tuesday | Let's schedule a design review for next Tuesday with the support team.",
      ]),
    );
    for (const past of [
      "again on Saturday",
      "talked about on Thursday",
      "Monday morning",
      "Black Friday",
      "Is everyone",
    ]) {
      expect(dates.filter((line) => line.includes(past))).toEqual([]);
    }
  });

  it("answers a question from the segment that holds the answer", async () => {
    const answer = segmentWith(PLANNING, "two million invoice rows");
    expect((await citedBy(PLANNING, "How many invoice rows still need to move?"))[0]).toBe(answer.index);
  });
});

describe("extractive provider on the sales call", () => {
  it("finds each commitment with its owner, and nothing else", async () => {
    const { actionItems } = await keypointsOf(SALES_CALL);
    expectExactly(actionItems, [
      ["Marcus", "Show the dispatch view with your own depots"], // "then Marcus will show …", said by Priya
      ["Marcus", "Share the API rate limits document with Jordan"], // "Action item for Marcus: …"
      ["Priya", "Ask them this week and send you the contacts"],
      ["Elena", "Tell him"],
      ["Priya", "Get the data processing agreement reviewed by your legal team"], // "we need to"
      ["Priya", "Send it this week"], // "let's send it"
      ["Jordan", "Forward it"],
      ["Jordan", "Loop in our security team and get the questionnaire back to you by March 14"],
      ["Marcus", "Set up the sandbox account for Jordan's team tomorrow"],
      ["Jordan", "Send you their emails"],
      ["Priya", "Send the revised quote by Thursday"], // "So Priya will …", said by Marcus
      ["Priya", "Include the credit for the pilot fee in writing"],
      ["Elena", "Talk to our CFO about the budget sign-off before the end of the month"],
      ["Priya", "Put it together with the quote"],
      ["Marcus", "Bring coffee"],
      ["Jordan", "Check with them who it should be"],
      ["Elena", "Book a thirty-minute check-in for next Friday"], // "let's"
      ["Priya", "Send an invite for Friday morning"],
    ]);
  });

  it("finds the decisions, not the quoted or hypothetical ones", async () => {
    const { decisions } = await keypointsOf(SALES_CALL);
    expect(decisions).toEqual([
      "For us, decision: we use single sign-on through Okta from day one, no passwords.",
      "Great, so we agreed on a sixty-day pilot starting April 1 with the Leeds and Sheffield depots.",
      "We've decided to go with the annual plan rather than monthly, assuming the pilot goes well.",
    ]);
  });

  it("finds the dates of the next steps", async () => {
    const { importantDates } = await keypointsOf(SALES_CALL);
    const dates = importantDates.map(({ date, context }) => `${date} | ${context}`);
    expect(dates).toEqual(
      expect.arrayContaining([
        "April 1 | Great, so we agreed on a sixty-day pilot starting April 1 with the Leeds and Sheffield depots.",
        "March 14 | I'm going to loop in our security team and get the questionnaire back to you by March 14.",
        "Thursday | Priya will send the revised quote by Thursday, with the annual pricing and the pilot fee.",
        "end of the month | I'll talk to our CFO about the budget sign-off before the end of the month.",
        "next Friday | Let's book a thirty-minute check-in for next Friday, to see where legal and security are.",
      ]),
    );
    expect(dates.filter((line) => line.includes("a Tuesday"))).toEqual([]);
  });

  it("answers a question from the segment that holds the answer", async () => {
    const answer = segmentWith(SALES_CALL, "eighteen percent off the list price");
    expect(await citedBy(SALES_CALL, "How much off the list price is the annual plan?")).toContain(answer.index);
  });
});

describe("extractive provider on the consultation", () => {
  it("finds the clinician's and the patient's commitments, not reported, quoted or joking ones", async () => {
    const { actionItems } = await keypointsOf(CONSULTATION);
    expectExactly(actionItems, [
      ["Dr. Okafor", "Book the follow-up MRI of your lumbar spine for next week"],
      ["Dr. Okafor", "Put it on the form so the radiographers know"],
      ["Dr. Okafor", "Prescribe naproxen five hundred milligrams twice a day"],
      ["Dr. Okafor", "Refer you to physiotherapy"],
      ["Maria", "Do the stretching exercises every morning before work"],
      ["Maria", "Ask for one"],
      ["Dr. Okafor", "Recheck your blood pressure in four weeks"], // "we need to"
      ["Nurse Kim", "Call you on Monday with the MRI appointment time"], // named, said by Dr. Okafor
    ]);
  });

  it("fills the SOAP headings sensibly: symptoms, findings, assessment, plan", async () => {
    const { sections, decisions } = await summaryOf(CONSULTATION, "SOAP");
    const points = Object.fromEntries(sections.map((section) => [section.heading, section.points.join("\n")]));
    expect(Object.keys(points)).toEqual(["Subjective", "Objective", "Assessment", "Plan"]);
    expect(points.Subjective).toContain("pain in my lower back for about three weeks");
    expect(points.Subjective).toContain("numbness in my left foot");
    expect(points.Objective).toContain("blood pressure is one forty-two over eighty-eight");
    expect(points.Objective).toContain("straight leg raise is positive on the left");
    expect(points.Assessment).toContain("most likely sciatica from a disc herniation");
    expect(points.Plan).toContain("Book the follow-up MRI");
    expect(points.Plan).toContain("Prescribe naproxen");
    expect(points.Plan).toContain("Refer you to physiotherapy");
    // The patient's words are not findings, and the clinician's are not symptoms.
    const patient = new Set(CONSULTATION.filter((s) => s.speaker === "Maria").map((s) => s.text));
    for (const point of sections.find((s) => s.heading === "Objective")?.points ?? []) {
      expect([...patient].some((text) => text.includes(point))).toBe(false);
    }
    expect(decisions).toContain("We agreed on naproxen instead of ibuprofen, with omeprazole to protect your stomach.");
  });

  it("answers a question about the examination from the finding's segment", async () => {
    const answer = segmentWith(CONSULTATION, "straight leg raise is positive");
    expect(await citedBy(CONSULTATION, "What did the straight leg raise show?")).toContain(answer.index);
  });

  it("dates the MRI, the phone call and the follow-up visit", async () => {
    const { importantDates } = await keypointsOf(CONSULTATION);
    expect(importantDates.map((d) => d.date)).toEqual(expect.arrayContaining(["next week", "Monday", "March 30"]));
    expect(importantDates.filter((d) => d.context.includes("never comes"))).toEqual([]);
  });
});

describe("every generation on the realistic meetings", () => {
  it.each([
    ["planning", PLANNING],
    ["sales call", SALES_CALL],
    ["consultation", CONSULTATION],
  ])("on the %s: valid results that never quote a distractor as an action item", async (_, segments) => {
    const base = { segments, language: null };
    const speakers = [...new Set(segments.map((s) => s.speaker))];
    for (const speakerName of speakers) {
      const feedback = await provider.generate("feedback", { ...base, speakerName });
      expect(GENERATION_SCHEMAS.feedback.safeParse(feedback.result).success).toBe(true);
    }
    const keypoints = await keypointsOf(segments);
    for (const tone of EMAIL_TONES) {
      const email = (await provider.generate("email", { ...base, recipientName: "Sam", tone })).result;
      expect(GENERATION_SCHEMAS.email.safeParse(email).success).toBe(true);
      expect(email.actionItems).toHaveLength(keypoints.actionItems.length);
      for (const line of email.actionItems) expect(line).not.toMatch(DISTRACTOR_WORDS);
    }
    for (const template of SUMMARY_TEMPLATES) {
      const summary = await summaryOf(segments, template);
      expect(GENERATION_SCHEMAS.summary.safeParse(summary).success).toBe(true);
      expect(summary.actionItems.map((a) => [a.owner, a.item])).toEqual(
        keypoints.actionItems.map((a) => [a.owner, a.item]),
      );
    }
    for (const item of keypoints.actionItems) expect(item.item).not.toMatch(DISTRACTOR_WORDS);
  });
});
