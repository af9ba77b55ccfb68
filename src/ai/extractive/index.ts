import type { AiProvider } from "../provider";

/** The model name on results of the offline provider. */
export const EXTRACTIVE_MODEL = "parley-extractive";

/** The offline extractive provider: deterministic, no network (SPEC §6.1). */
export function createExtractiveProvider(): AiProvider {
  throw new Error("not implemented yet (ai-extractive helper)");
}
