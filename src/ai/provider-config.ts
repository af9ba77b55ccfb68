import { secret } from "../env";
import { createExtractiveProvider } from "./extractive";
import { createOpenAiProvider, type OpenAiProviderOptions } from "./openai-provider";
import type { AiProvider } from "./provider";

/**
 * Per request to the provider, unless `OPENAI_TIMEOUT_MS` says otherwise. Transcribing a 25 MB chunk can take
 * minutes at OpenAI; the SDK's default is 10 minutes, which a queue consumer's wall-clock budget cannot afford
 * three times over.
 */
export const OPENAI_TIMEOUT_MS = 180_000;
/** The SDK retries connection errors, timeouts, 408, 409, 429 and 5xx with backoff; this bounds them. */
export const OPENAI_MAX_RETRIES = 2;
/** The provider's upload limit when `OPENAI_TRANSCRIBE_MAX_BYTES` is unset (OpenAI's own: 25 MB). */
export const DEFAULT_TRANSCRIBE_MAX_BYTES = 25_000_000;

type AiEnv = Pick<
  Env,
  | "OPENAI_API_KEY"
  | "OPENAI_BASE_URL"
  | "OPENAI_TRANSCRIPTION_MODEL"
  | "OPENAI_TEXT_MODEL"
  | "OPENAI_TRANSCRIBE_MAX_BYTES"
  | "OPENAI_TIMEOUT_MS"
  | "OPENAI_MAX_RETRIES"
>;

/** A whole number from a var, within [min, max]; anything else (unset, junk, out of range) is the default. */
function bounded(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = Number(value);
  return value && Number.isInteger(parsed) && parsed >= min && parsed <= max ? parsed : fallback;
}

/** The largest file (or WAV chunk) sent to the provider in one request. */
export function transcribeMaxBytes(env: Pick<AiEnv, "OPENAI_TRANSCRIBE_MAX_BYTES">): number {
  // At least 1 MB: below that a chunk would hold a few seconds of audio and a job thousands of requests.
  return bounded(env.OPENAI_TRANSCRIBE_MAX_BYTES, DEFAULT_TRANSCRIBE_MAX_BYTES, 1_000_000, 100_000_000);
}

/** The OpenAI provider's settings from vars and the secret, or null when `OPENAI_API_KEY` is empty. */
export function openAiOptions(env: AiEnv): OpenAiProviderOptions | null {
  const apiKey = secret(env.OPENAI_API_KEY);
  if (!apiKey) return null;
  return {
    apiKey,
    baseURL: env.OPENAI_BASE_URL || "https://api.openai.com/v1",
    transcriptionModel: env.OPENAI_TRANSCRIPTION_MODEL,
    textModel: env.OPENAI_TEXT_MODEL,
    // Bounded both ways: a job must end within the queue consumer's wall-clock limit (15 minutes).
    timeoutMs: bounded(env.OPENAI_TIMEOUT_MS, OPENAI_TIMEOUT_MS, 1_000, 600_000),
    maxRetries: bounded(env.OPENAI_MAX_RETRIES, OPENAI_MAX_RETRIES, 0, 5),
  };
}

/** Whether audio can be transcribed here (an OpenAI key is set); checked before a transcription is created. */
export function transcriptionConfigured(env: Pick<Env, "OPENAI_API_KEY">): boolean {
  return secret(env.OPENAI_API_KEY) !== null;
}

/** Text generations: OpenAI with a key, else the offline extractive provider (SPEC §6.1). */
export function textProvider(env: AiEnv): AiProvider {
  const options = openAiOptions(env);
  return options ? createOpenAiProvider(options) : createExtractiveProvider();
}

/** Speech to text needs OpenAI: null without a key, which callers answer with 503 `ai_unavailable`. */
export function transcriptionProvider(env: AiEnv): AiProvider | null {
  const options = openAiOptions(env);
  return options ? createOpenAiProvider(options) : null;
}
