import { describe, expect, it } from "vitest";
import { analyse } from "../../src/ai/extractive/analysis";
import { emailFor } from "../../src/ai/extractive/email";
import { EMAIL_TONES, EmailOutput } from "../../src/ai/generations";
import { STANDUP } from "./extractive-fixtures";

describe("emailFor", () => {
  it.each([
    ["professional", "Eve", "Meeting summary: Onboarding, release and invite", "Dear Eve,", "Kind regards"],
    ["professional", null, "Meeting summary: Onboarding, release and invite", "Dear all,", "Kind regards"],
    ["casual", "Eve", "Recap: Onboarding, release and invite", "Hi Eve!", "Cheers"],
    ["casual", null, "Recap: Onboarding, release and invite", "Hi everyone!", "Cheers"],
    [
      "concise",
      "Eve",
      "Onboarding, release and invite — recap",
      "Eve,",
      "- Add completion tracking to the onboarding API — Bob",
    ],
    [
      "concise",
      null,
      "Onboarding, release and invite — recap",
      "Hi,",
      "- Add completion tracking to the onboarding API — Bob",
    ],
  ] as const)("%s to %s", (tone, recipient, subject, greeting, lastLine) => {
    const email = emailFor(analyse(STANDUP), recipient, tone);
    expect(email.subject).toBe(subject);
    expect(email.body.split("\n")[0]).toBe(greeting);
    expect(email.body.split("\n").at(-1)).toBe(lastLine);
  });

  it("gives the tones visibly different bodies; concise is the shortest and has no pleasantries", () => {
    const [professional, casual, concise] = EMAIL_TONES.map((tone) => emailFor(analyse(STANDUP), "Eve", tone).body);
    expect(new Set([professional, casual, concise]).size).toBe(3);
    expect(concise?.length).toBeLessThan(Math.min(professional?.length ?? 0, casual?.length ?? 0));
    expect(concise).not.toMatch(/regards|cheers|let me know/i);
  });

  it("lists decisions first among the key points and action items as 'item — owner'", () => {
    const email = EmailOutput.parse(emailFor(analyse(STANDUP), null, "professional"));
    expect(email.keyPoints[0]).toBe(
      "We decided last week that the release ships once the webhook retries pass on staging.",
    );
    expect(email.keyPoints.length).toBeLessThanOrEqual(5);
    expect(email.actionItems).toEqual([
      "Fix the retry queue today, it is urgent — Bob",
      "Update the release notes by Friday — Dana",
      "Share the onboarding prototype with the support team on 2026-03-05 — Carol",
      "Measure the onboarding completion rate after the change — Alice",
      "Add completion tracking to the onboarding API — Bob",
    ]);
    for (const item of email.actionItems) expect(email.body).toContain(`- ${item}`);
  });
});

describe("emailFor an empty transcript", () => {
  it("leaves out the sections it has nothing for", () => {
    const email = emailFor(analyse([{ index: 0, speaker: "Alice", start: 0, end: 1, text: "" }]), null, "concise");
    expect(email.body).toBe("Hi,");
    expect(email.keyPoints).toEqual([]);
    expect(email.actionItems).toEqual([]);
  });
});
