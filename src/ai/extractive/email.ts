import type { EmailTone, GenerationOutput } from "../generations";
import { type Analysis, actionLine, overviewSentences, people, titleOf } from "./analysis";

const MAX_KEY_POINTS = 5;
const MAX_LISTED_ACTIONS = 10;

function keyPoints(analysis: Analysis): string[] {
  const points: string[] = [];
  const seen = new Set<string>();
  for (const text of [...analysis.decisions.map((decision) => decision.text), ...overviewSentences(analysis)]) {
    if (points.length >= MAX_KEY_POINTS) break;
    if (seen.has(text)) continue;
    seen.add(text);
    points.push(text);
  }
  return points;
}

function bullets(items: readonly string[], limit = items.length): string[] {
  const listed = items.slice(0, limit).map((item) => `- ${item}`);
  if (items.length > limit) listed.push(`- …and ${items.length - limit} more`);
  return listed;
}

/** A follow-up email: the tone changes the subject, greeting, framing and sign-off (concise drops the prose). */
export function emailFor(analysis: Analysis, recipientName: string | null, tone: EmailTone): GenerationOutput["email"] {
  const title = titleOf(analysis);
  const points = keyPoints(analysis);
  const actions = analysis.actionItems.map(actionLine);
  const name = recipientName?.trim() || null;
  const lines: string[] = [];
  const listActions = (heading: string) => {
    if (actions.length > 0) lines.push("", heading, ...bullets(actions, MAX_LISTED_ACTIONS));
  };
  const listPoints = (heading: string) => {
    if (points.length > 0) lines.push("", heading, ...bullets(points));
  };
  if (tone === "professional") {
    const withWhom = analysis.participants.length > 0 ? ` with ${people(analysis.participants)}` : "";
    lines.push(`Dear ${name ?? "all"},`, "", `Please find below a summary of our meeting${withWhom}.`);
    listPoints("Key points:");
    listActions("Action items:");
    lines.push("", "Please let me know if anything is missing or needs correcting.", "", "Kind regards");
    return { subject: `Meeting summary: ${title}`, body: lines.join("\n"), keyPoints: points, actionItems: actions };
  }
  if (tone === "casual") {
    lines.push(`Hi ${name ?? "everyone"}!`, "", "Here's a quick recap of what we talked about.");
    listPoints("The main bits:");
    listActions("To-dos:");
    lines.push("", "Shout if I missed anything!", "", "Cheers");
    return { subject: `Recap: ${title}`, body: lines.join("\n"), keyPoints: points, actionItems: actions };
  }
  lines.push(name ? `${name},` : "Hi,");
  listPoints("Key points:");
  listActions("Actions:");
  return { subject: `${title} — recap`, body: lines.join("\n"), keyPoints: points, actionItems: actions };
}
