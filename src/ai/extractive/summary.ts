import type { GenerationOutput, SummaryTemplate } from "../generations";
import type { ActionItem } from "./actions";
import { type Analysis, actionLine, meetingKeywords, overviewSentences, people } from "./analysis";
import { topSentences } from "./salience";
import { headingOf, topicSections, topicSpans } from "./sections";
import { isQuestion } from "./sentences";
import { classify, clinicians, TEMPLATES } from "./templates";
import { capitalise, cleanSentence, joinList } from "./text";

type Section = { heading: string; points: string[] };

const POINTS_PER_SECTION = 5;
const MAX_ACTIONS_IN_SECTION = 8;

function questionOrders(analysis: Analysis): number[] {
  return analysis.sentences.filter((sentence) => isQuestion(sentence.text)).map((sentence) => sentence.order);
}

function quote(analysis: Analysis, orders: number[]): string[] {
  return orders.map((order) => cleanSentence(analysis.sentences[order]?.text ?? ""));
}

/** The sections of a cue-classified template, each sentence in the section it fits best. */
function templateSections(analysis: Analysis, template: SummaryTemplate): Section[] {
  const spec = TEMPLATES[template];
  const buckets: number[][] = spec.sections.map(() => []);
  // Sentences already listed as action items are not quoted again under the section that lists the items.
  const actionSentences = new Set(analysis.actionItems.map((item) => item.sentence.order));
  const voiced = spec.sections.some((section) => section.voice !== undefined);
  const clinicianSpeakers = voiced
    ? clinicians(analysis.sentences.map((s) => ({ speaker: s.speaker, asks: isQuestion(s.text) })))
    : new Set<string>();
  for (const sentence of analysis.sentences) {
    if (isQuestion(sentence.text)) continue;
    const voice =
      clinicianSpeakers.size === 0 ? null : clinicianSpeakers.has(sentence.speaker) ? "clinician" : "patient";
    const best = classify(sentence.text, spec.sections, voice);
    if (best >= 0) buckets[best]?.push(sentence.order);
  }
  const topics = spec.sections.some((section) => section.source === "topics")
    ? topicSpans(analysis.salience).map((span, i) => headingOf(analysis.salience, span, `Part ${i + 1}`))
    : [];
  const sections: Section[] = spec.sections.map((section, i) => {
    if (section.source === "topics") return { heading: section.heading, points: topics };
    const bucket = buckets[i] ?? [];
    const candidates = section.withActions ? bucket.filter((order) => !actionSentences.has(order)) : bucket;
    const orders = section.source === "questions" ? questionOrders(analysis) : candidates;
    const points = quote(analysis, topSentences(analysis.salience, orders, POINTS_PER_SECTION));
    if (section.withActions) points.unshift(...analysis.actionItems.slice(0, MAX_ACTIONS_IN_SECTION).map(actionLine));
    return { heading: section.heading, points };
  });
  if (spec.topicSections) {
    const questions = sections.filter((section) => section.points.length > 0);
    return [...topicSections(analysis.salience, POINTS_PER_SECTION), ...questions];
  }
  return sections;
}

function nextStep(item: ActionItem): string {
  const what = item.item.charAt(0).toLowerCase() + item.item.slice(1);
  return `${item.owner ?? "the team"} to ${what}`;
}

/** A prose account: who met about what, what each part of the meeting said (quoted), what was decided, what next. */
function narrative(analysis: Analysis): { summary: string; sections: Section[] } {
  const spans = topicSpans(analysis.salience);
  const keywords = meetingKeywords(analysis, 3);
  const about = keywords.length > 0 ? ` to discuss ${joinList(keywords)}` : "";
  const intro = `${people(analysis.participants)} met${about}.`;
  const paragraphs = spans.map((span, i) => {
    const heading = headingOf(analysis.salience, span, "the next topic").toLowerCase();
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
  const sections: Section[] = [
    { heading: "Discussion", points: paragraphs },
    { heading: "Outcomes", points: outcomes },
    { heading: "Next steps", points: steps.map(capitalise) },
  ];
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
