import { SUMMARY_TEMPLATE_HEADINGS, type SummaryTemplate } from "./generations";

type Section = { heading: string; points: string[] };

/** A heading compared without case, punctuation or spacing: "Follow up:" is "Follow-up". */
const key = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * A model's sections in exactly the template's headings, in order (SPEC §6.4: the structure does not depend on
 * the provider). Sections are matched to headings by `key`; several with one heading are joined. A section with
 * an unknown heading joins the matched section before it (the first heading when none is before it), each point
 * prefixed by its heading, so nothing the model wrote is lost. When no heading matches but the count fits (a model
 * that translated the headings), the sections are taken in order. Missing headings get no points.
 */
export function conformToTemplate(sections: readonly Section[], template: SummaryTemplate): Section[] {
  const headings: readonly string[] = SUMMARY_TEMPLATE_HEADINGS[template];
  const index = new Map(headings.map((heading, i) => [key(heading), i]));
  const matched = sections.map((section) => index.get(key(section.heading)));
  if (matched.every((i) => i === undefined) && sections.length === headings.length) {
    return headings.map((heading, i) => ({ heading, points: [...(sections[i]?.points ?? [])] }));
  }
  const points: string[][] = headings.map(() => []);
  let previous = 0;
  sections.forEach((section, i) => {
    const at = matched[i];
    if (at !== undefined) previous = at;
    const lines =
      at === undefined ? section.points.map((point) => `${section.heading.trim()}: ${point}`) : section.points;
    points[at ?? previous]?.push(...lines);
  });
  return headings.map((heading, i) => ({ heading, points: points[i] ?? [] }));
}
