import type { AiProvider } from "./provider";

/** How to reach an OpenAI-compatible server; built from env vars by the caller (`src/ai/provider-config.ts`). */
export interface OpenAiProviderOptions {
  apiKey: string;
  baseURL: string;
  transcriptionModel: string;
  textModel: string;
  /** Per-request timeout of the SDK, ms. */
  timeoutMs: number;
  /** The SDK's own retries (bounded); 0 disables them. */
  maxRetries: number;
}

/** The OpenAI provider: the `openai` package, every response validated with zod before use (SPEC §6.1). */
export function createOpenAiProvider(_options: OpenAiProviderOptions): AiProvider {
  throw new Error("not implemented yet (ai-openai helper)");
}
