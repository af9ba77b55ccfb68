import type { GenerationInput, GenerationKind, GenerationOutput } from "../generations";
import { GENERATION_SCHEMAS } from "../generations";
import { type AiProvider, AiProviderError } from "../provider";
import { analyse, titleOf } from "./analysis";
import { answerQuery } from "./answer";
import { emailFor } from "./email";
import { feedbackFor } from "./feedback";
import { topicSections } from "./sections";
import { summarise } from "./summary";

/** The model name on results of the offline provider. */
export const EXTRACTIVE_MODEL = "parley-extractive";

/**
 * Each generation from the transcript alone. The requested `language` is not honoured: extraction quotes the
 * transcript, so results are in the transcript's own language.
 */
const GENERATORS: { [K in GenerationKind]: (input: GenerationInput[K]) => GenerationOutput[K] } = {
  summary: (input) => summarise(analyse(input.segments), input.template),
  keypoints: (input) => {
    const analysis = analyse(input.segments);
    return {
      title: titleOf(analysis),
      sections: topicSections(analysis.salience),
      decisions: analysis.decisions.map((decision) => decision.text),
      actionItems: analysis.actionItems.map(({ item, owner, confidence, priority }) => ({
        item,
        owner,
        confidence,
        priority,
      })),
      participants: analysis.participants,
      importantDates: analysis.importantDates,
    };
  },
  feedback: (input) => feedbackFor(analyse(input.segments), input.speakerName),
  email: (input) => emailFor(analyse(input.segments), input.recipientName, input.tone),
  query: (input) => answerQuery(analyse(input.segments), input.query),
};

/** The offline extractive provider: deterministic, no network (SPEC §6.1). */
export function createExtractiveProvider(): AiProvider {
  return {
    name: "extractive",
    async transcribe() {
      throw new AiProviderError("not_configured", "Transcribing audio needs the OpenAI provider: set OPENAI_API_KEY.");
    },
    async generate<K extends GenerationKind>(kind: K, input: GenerationInput[K]) {
      const generate = GENERATORS[kind] as (input: GenerationInput[K]) => GenerationOutput[K];
      const result = GENERATION_SCHEMAS[kind].parse(generate(input)) as GenerationOutput[K];
      return { result, model: EXTRACTIVE_MODEL };
    },
  };
}
