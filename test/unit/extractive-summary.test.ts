import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ai/extractive/analysis";
import { summarise } from "../../src/ai/extractive/summary";
import { SUMMARY_TEMPLATES, SummaryOutput } from "../../src/ai/generations";
import { CONSULTATION, STANDUP } from "./extractive-fixtures";

describe("summary templates", () => {
  // The headings of every template, from both providers, are checked in test/ai-openai-provider.test.ts.
  const sectionsOf = (template: (typeof SUMMARY_TEMPLATES)[number], segments = STANDUP) =>
    Object.fromEntries(summarise(analyse(segments), template).sections.map((s) => [s.heading, s.points]));

  it("General Bulleted: who met and the decisions, each topic's points prefixed by it, questions, next steps", () => {
    const sections = sectionsOf("General Bulleted");
    expect(sections.Overview).toEqual([
      "Alice, Bob and Carol met to discuss onboarding, release and invite.",
      "We decided last week that the release ships once the webhook retries pass on staging.",
      "We agreed to move the invite step to the end of onboarding.",
    ]);
    expect(sections["Discussion Points"]).toContain(
      "Release, retry and queue: One blocker: the payment webhook retries fail on the staging cluster.",
    );
    expect(sections["Discussion Points"]).toContain(
      "Onboarding, invite and step: The invite step asks for teammates' emails before users see the product.",
    );
    expect(sections["Questions Raised"]).toEqual([
      "Are there any blockers for the release candidate?",
      "Is the webhook failure related to the new retry queue?",
      "What if the invite step moved to the end of onboarding?",
    ]);
    expect(sections["Next Steps"]).toContain("Fix the retry queue today, it is urgent — Bob");
    expect(sections["Next Steps"]).toContain("Update the release notes by Friday — Dana");
  });

  it("General Narrative: its sections are paragraphs of prose — background, one per topic, the outcome", () => {
    const sections = sectionsOf("General Narrative");
    expect(sections.Background).toEqual([
      "Alice, Bob and Carol met to discuss onboarding, release and invite. The meeting covered 2 topics: " +
        "release, retry and queue; onboarding, invite and step.",
    ]);
    expect(sections.Discussion).toHaveLength(2);
    expect(sections.Discussion?.[1]).toMatch(
      /^Finally, the discussion turned to onboarding, invite and step\. Carol said: "/,
    );
    expect(sections.Outcome).toHaveLength(1);
    expect(sections.Outcome?.[0]).toMatch(
      /^Decisions: "We decided last week that .*" "We agreed to move .*" Next steps: Bob to fix the retry queue today/,
    );
  });

  it("keeps a heading with nothing to report, with no points", () => {
    const quiet = STANDUP.slice(0, 2);
    expect(sectionsOf("General Bulleted", quiet)["Next Steps"]).toEqual([]);
    expect(sectionsOf("General Narrative", quiet).Outcome).toEqual([]);
    expect(sectionsOf("Educational Lecture", quiet)["Key Concepts"]).toEqual([]);
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
