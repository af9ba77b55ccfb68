import type { GenerationOutput, SummaryHeading, SummaryTemplate } from "../generations";
import { SUMMARY_TEMPLATE_HEADINGS } from "../generations";
import type { ActionItem } from "./actions";
import { type Analysis, actionLine, meetingKeywords, overviewSentences, people } from "./analysis";
import { topSentences } from "./salience";
import { headingOf, topicSections, topicSpans } from "./sections";
import { isQuestion } from "./sentences";
import { classify, clinicians, type SectionedTemplate, sectionSpecs } from "./templates";
import { cleanSentence, joinList } from "./text";

type Section = { heading: string; points: string[] };

const POINTS_PER_SECTION = 5;
const MAX_ACTIONS_IN_SECTION = 8;

function questionOrders(analysis: Analysis): number[] {
  return analysis.sentences.filter((sentence) => isQuestion(sentence.text)).map((sentence) => sentence.order);
}

function quote(analysis: Analysis, orders: number[]): string[] {
  return orders.map((order) => cleanSentence(analysis.sentences[order]?.text ?? ""));
}

/** "Alice, Bob and Carol met to discuss onboarding, release and invite." */
function introOf(analysis: Analysis): string {
  const keywords = meetingKeywords(analysis, 3);
  const about = keywords.length > 0 ? ` to discuss ${joinList(keywords)}` : "";
  return `${people(analysis.participants)} met${about}.`;
}

/** The sections of a template, in its headings' order, each sentence in the cue section it fits best. */
function templateSections(analysis: Analysis, template: SectionedTemplate): Section[] {
  const specs = sectionSpecs(template);
  const buckets: number[][] = specs.map(() => []);
  // Sentences already listed as action items are not quoted again under the section that lists the items.
  const actionSentences = new Set(analysis.actionItems.map((item) => item.sentence.order));
  const voiced = specs.some((section) => section.voice !== undefined);
  const clinicianSpeakers = voiced
    ? clinicians(analysis.sentences.map((s) => ({ speaker: s.speaker, asks: isQuestion(s.text) })))
    : new Set<string>();
  if (specs.some((section) => section.source === "cues")) {
    for (const sentence of analysis.sentences) {
      if (isQuestion(sentence.text)) continue;
      const voice =
        clinicianSpeakers.size === 0 ? null : clinicianSpeakers.has(sentence.speaker) ? "clinician" : "patient";
      const best = classify(sentence.text, specs, voice);
      if (best >= 0) buckets[best]?.push(sentence.order);
    }
  }
  const actionLines = () => analysis.actionItems.slice(0, MAX_ACTIONS_IN_SECTION).map(actionLine);
  return specs.map((section, i): Section => {
    const { heading } = section;
    switch (section.source) {
      case "overview":
        return { heading, points: [introOf(analysis), ...analysis.decisions.map((decision) => decision.text)] };
      case "topics": {
        const spans = topicSpans(analysis.salience);
        return { heading, points: spans.map((span, k) => headingOf(analysis.salience, span, `Part ${k + 1}`)) };
      }
      case "topicPoints": {
        const topics = topicSections(analysis.salience, POINTS_PER_SECTION);
        return {
          heading,
          points: topics.flatMap((topic) => topic.points.map((point) => `${topic.heading}: ${point}`)),
        };
      }
      case "actions":
        return { heading, points: actionLines() };
      case "questions":
        return {
          heading,
          points: quote(analysis, topSentences(analysis.salience, questionOrders(analysis), POINTS_PER_SECTION)),
        };
      case "cues": {
        const bucket = buckets[i] ?? [];
        const candidates = section.withActions ? bucket.filter((order) => !actionSentences.has(order)) : bucket;
        const points = quote(analysis, topSentences(analysis.salience, candidates, POINTS_PER_SECTION));
        return { heading, points: section.withActions ? [...actionLines(), ...points] : points };
      }
      default:
        throw new Error(`no filler for section source ${section.source satisfies never}`);
    }
  });
}

function nextStep(item: ActionItem): string {
  const what = item.item.charAt(0).toLowerCase() + item.item.slice(1);
  return `${item.owner ?? "the team"} to ${what}`;
}

/**
 * A prose account: who met about what (Background), what each part of the meeting said, quoted (Discussion),
 * what was decided and what happens next (Outcome); each section's points are paragraphs, and `summary` is the
 * whole account.
 */
function narrative(analysis: Analysis): { summary: string; sections: Section[] } {
  const spans = topicSpans(analysis.salience);
  const topics = spans.map((span) => headingOf(analysis.salience, span, "the next topic").toLowerCase());
  const intro = introOf(analysis);
  const paragraphs = spans.map((span, i) => {
    const heading = topics[i] ?? "the next topic";
    const opener =
      spans.length === 1
        ? `The conversation centred on ${heading}.`
        : i === 0
          ? `The meeting opened with ${heading}.`
          : i === spans.length - 1
            ? `Finally, the discussion turned to ${heading}.`
            : `The discussion then moved to ${heading}.`;
    const orders = Array.from({ length: span.to - span.from }, (_, k) => span.from + k);
    const quotes = topSentences(analysis.salience, orders, 2).map((order) => {
      const sentence = analysis.sentences[order];
      return sentence ? `${sentence.speaker} said: "${cleanSentence(sentence.text)}"` : "";
    });
    return [opener, ...quotes].join(" ");
  });
  const outcomes = analysis.decisions.map((decision) => decision.text);
  const steps = analysis.actionItems.map(nextStep);
  const closing: string[] = [];
  if (outcomes.length > 0) closing.push(`Decisions: ${outcomes.map((text) => `"${text}"`).join(" ")}`);
  if (steps.length > 0) closing.push(`Next steps: ${steps.slice(0, MAX_ACTIONS_IN_SECTION).join("; ")}.`);
  const summary = [`${intro} ${paragraphs[0] ?? ""}`.trim(), ...paragraphs.slice(1), ...closing].join("\n\n");
  // Topic headings are lists themselves ("release, retry and queue"), so the topics are separated by semicolons.
  const covered = spans.length > 1 ? ` The meeting covered ${topics.length} topics: ${topics.join("; ")}.` : "";
  const byHeading: Record<SummaryHeading<"General Narrative">, string[]> = {
    Background: [`${intro}${covered}`],
    Discussion: paragraphs,
    Outcome: closing.length > 0 ? [closing.join(" ")] : [],
  };
  const sections = SUMMARY_TEMPLATE_HEADINGS["General Narrative"].map((heading) => ({
    heading,
    points: byHeading[heading],
  }));
  return { summary, sections };
}

/** A summary in the given template: an extractive overview, the template's sections, action items, decisions. */
export function summarise(analysis: Analysis, template: SummaryTemplate): GenerationOutput["summary"] {
  const actionItems = analysis.actionItems.map(({ item, owner, priority }) => ({ item, owner, priority }));
  const decisions = analysis.decisions.map((decision) => decision.text);
  if (template === "General Narrative") return { ...narrative(analysis), actionItems, decisions };
  return {
    summary: overviewSentences(analysis).join(" "),
    sections: templateSections(analysis, template),
    actionItems,
    decisions,
  };
}
