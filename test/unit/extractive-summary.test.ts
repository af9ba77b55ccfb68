import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ai/extractive/analysis";
import { summarise } from "../../src/ai/extractive/summary";
import { SUMMARY_TEMPLATES, SummaryOutput } from "../../src/ai/generations";
import { CONSULTATION, STANDUP } from "./extractive-fixtures";

const headings = (template: (typeof SUMMARY_TEMPLATES)[number], segments = CONSULTATION) =>
  summarise(analyse(segments), template).sections.map((section) => section.heading);

describe("summary templates", () => {
  it.each([
    ["SOAP", ["Subjective", "Objective", "Assessment", "Plan"]],
    [
      "Extended SOAP",
      [
        "Chief Complaint",
        "History of Present Illness",
        "Medications and Allergies",
        "Subjective",
        "Objective",
        "Assessment",
        "Plan",
        "Follow-up",
      ],
    ],
    [
      "Educational Lecture",
      ["Topics Covered", "Key Concepts", "Examples", "Questions Raised", "Assignments and Next Steps"],
    ],
    [
      "Educational Tutoring",
      ["Topics Reviewed", "Student Difficulties", "Explanations", "Progress", "Practice and Next Steps"],
    ],
    ["General Narrative", ["Discussion", "Outcomes", "Next steps"]],
  ] as const)("%s has its own headings", (template, expected) => {
    expect(headings(template)).toEqual(expected);
  });

  it("General Bulleted heads sections with the meeting's topics, then the questions raised", () => {
    expect(headings("General Bulleted", STANDUP)).toEqual([
      "Release, retry and queue",
      "Onboarding, invite and step",
      "Questions raised",
    ]);
  });

  it.each(SUMMARY_TEMPLATES)("%s output passes the summary schema", (template) => {
    expect(() => SummaryOutput.parse(summarise(analyse(STANDUP), template))).not.toThrow();
  });

  it("puts each SOAP sentence under the section its wording fits", () => {
    const sections = Object.fromEntries(
      summarise(analyse(CONSULTATION), "SOAP").sections.map((section) => [section.heading, section.points]),
    );
    expect(sections.Subjective).toEqual([
      "I've been having headaches every afternoon for the past two weeks.",
      "My head hurts behind the eyes and I feel tired at work.",
      "Just ibuprofen, two tablets when the pain is bad.",
    ]);
    expect(sections.Objective).toEqual([
      "Your blood pressure is 128 over 84 and your pulse is 72 bpm.",
      "On examination your neck muscles are tender and your reflexes are normal.",
    ]);
    expect(sections.Assessment).toEqual(["This looks like a tension headache, most likely from posture at your desk."]);
    expect(sections.Plan).toEqual([
      "Refer you to physiotherapy for your neck — Dr. Patel",
      "Avoid taking ibuprofen more than three days a week.",
      "Come back in four weeks if the headaches don't improve.",
    ]);
  });

  it("summarises with the most salient sentences in meeting order, and lists action items and decisions", () => {
    const summary = summarise(analyse(STANDUP), "General Bulleted");
    const quoted = summary.summary.split(/(?<=\.) /);
    const positions = quoted.map((sentence) => STANDUP.findIndex((segment) => segment.text.includes(sentence)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(summary.decisions).toEqual([
      "We decided last week that the release ships once the webhook retries pass on staging.",
      "We agreed to move the invite step to the end of onboarding.",
    ]);
    expect(summary.actionItems).toContainEqual({
      item: "Update the release notes by Friday",
      owner: "Dana",
      priority: "medium",
    });
    expect(summary.actionItems).toContainEqual({
      item: "Fix the retry queue today, it is urgent",
      owner: "Bob",
      priority: "high",
    });
  });

  it("General Narrative tells the meeting as prose: who met, each topic with quotes, decisions, next steps", () => {
    const { summary } = summarise(analyse(STANDUP), "General Narrative");
    expect(summary).toMatch(
      /^Alice, Bob and Carol met to discuss onboarding, release and invite\. The meeting opened with/,
    );
    expect(summary).toContain('Carol said: "The onboarding survey shows new users abandon the onboarding checklist');
    expect(summary).toContain("Finally, the discussion turned to onboarding, invite and step.");
    expect(summary).toContain("Next steps: Bob to fix the retry queue today");
    expect(summary).toContain("Alice to measure the onboarding completion rate");
  });
});
