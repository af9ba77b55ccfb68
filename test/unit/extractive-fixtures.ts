import type { PromptSegment } from "../../src/ai/generations";

/** Segments from `[speaker, text]` lines, `seconds` apart, each lasting `seconds − 1`. */
export function segmentsOf(lines: readonly (readonly [string, string])[], seconds = 10): PromptSegment[] {
  return lines.map(([speaker, text], index) => ({
    index,
    speaker,
    start: index * seconds,
    end: index * seconds + seconds - 1,
    text,
  }));
}

/** A product stand-up: a release topic, then an onboarding topic, then wrap-up with commitments. */
export const STANDUP: PromptSegment[] = segmentsOf([
  ["Alice", "Good morning everyone. Let's get started with the release."],
  ["Bob", "The release branch is cut and the release candidate passed the smoke tests last night."],
  ["Alice", "Great. Are there any blockers for the release candidate?"],
  ["Bob", "One blocker: the payment webhook retries fail on the staging cluster."],
  ["Carol", "Is the webhook failure related to the new retry queue?"],
  ["Bob", "Yes, the retry queue drops messages when the payment provider times out."],
  ["Bob", "I'll fix the retry queue today, it is urgent."],
  ["Alice", "We decided last week that the release ships once the webhook retries pass on staging."],
  ["Bob", "Then the release should still go out on March 3."],
  ["Alice", "Good. Dana will update the release notes by Friday."],
  ["Carol", "Um, so, I want to talk about onboarding now."],
  ["Carol", "The onboarding survey shows new users abandon the onboarding checklist at the invite step."],
  ["Carol", "The invite step asks for teammates' emails before users see the product."],
  ["Alice", "What if the invite step moved to the end of onboarding?"],
  ["Carol", "That is what the onboarding prototype does, and users in the prototype finished the checklist."],
  ["Bob", "Moving the invite step needs a small change in the onboarding API."],
  ["Alice", "We agreed to move the invite step to the end of onboarding."],
  ["Carol", "I will share the onboarding prototype with the support team on 2026-03-05."],
  ["Alice", "We need to measure the onboarding completion rate after the change."],
  ["Alice", "Action item: Bob to add completion tracking to the onboarding API."],
  ["Bob", "Sure, no rush on that one, I can do it next sprint."],
  ["Alice", "Thanks everyone, see you tomorrow."],
]);

/** A short clinical consultation, for the SOAP templates. */
export const CONSULTATION: PromptSegment[] = segmentsOf([
  ["Dr. Patel", "What brings you in today?"],
  ["Sam", "I've been having headaches every afternoon for the past two weeks."],
  ["Sam", "My head hurts behind the eyes and I feel tired at work."],
  ["Dr. Patel", "Are you taking any medications for it?"],
  ["Sam", "Just ibuprofen, two tablets when the pain is bad."],
  ["Dr. Patel", "Your blood pressure is 128 over 84 and your pulse is 72 bpm."],
  ["Dr. Patel", "On examination your neck muscles are tender and your reflexes are normal."],
  ["Dr. Patel", "This looks like a tension headache, most likely from posture at your desk."],
  ["Dr. Patel", "I'll refer you to physiotherapy for your neck."],
  ["Dr. Patel", "Avoid taking ibuprofen more than three days a week."],
  ["Dr. Patel", "Come back in four weeks if the headaches don't improve."],
]);
