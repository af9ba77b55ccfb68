import { secret } from "../env";
import { createExtractiveProvider } from "./extractive";
import { createOpenAiProvider, type OpenAiProviderOptions } from "./openai-provider";
import type { AiProvider } from "./provider";

/**
 * Per request to the provider. Transcribing a 25 MB chunk can take minutes at OpenAI; the SDK's default is
 * 10 minutes, which a queue consumer's wall-clock budget cannot afford three times over.
 */
export const OPENAI_TIMEOUT_MS = 180_000;
/** The SDK retries connection errors, timeouts, 408, 409, 429 and 5xx with backoff; this bounds them. */
export const OPENAI_MAX_RETRIES = 2;

/** The OpenAI provider's settings from vars and the secret, or null when `OPENAI_API_KEY` is empty. */
export function openAiOptions(env: Env): OpenAiProviderOptions | null {
  const apiKey = secret(env.OPENAI_API_KEY);
  if (!apiKey) return null;
  return {
    apiKey,
    baseURL: env.OPENAI_BASE_URL || "https://api.openai.com/v1",
    transcriptionModel: env.OPENAI_TRANSCRIPTION_MODEL,
    textModel: env.OPENAI_TEXT_MODEL,
    timeoutMs: OPENAI_TIMEOUT_MS,
    maxRetries: OPENAI_MAX_RETRIES,
  };
}

/** Text generations: OpenAI with a key, else the offline extractive provider (SPEC §6.1). */
export function textProvider(env: Env): AiProvider {
  const options = openAiOptions(env);
  return options ? createOpenAiProvider(options) : createExtractiveProvider();
}

/** Speech to text needs OpenAI: null without a key, which callers answer with 503 `ai_unavailable`. */
export function transcriptionProvider(env: Env): AiProvider | null {
  const options = openAiOptions(env);
  return options ? createOpenAiProvider(options) : null;
}
