import { secret } from "../env";
import { createExtractiveProvider } from "./extractive";
import { createOpenAiProvider } from "./openai-provider";
import type { AiProvider } from "./provider";

/** The provider's upload limit when `OPENAI_TRANSCRIBE_MAX_BYTES` is unset (OpenAI's own: 25 MB). */
export const DEFAULT_TRANSCRIBE_MAX_BYTES = 25_000_000;
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_RETRIES = 2;

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
export function transcribeMaxBytes(env: AiEnv): number {
  // At least 1 MB: below that a chunk would hold a few seconds of audio and the job thousands of requests.
  return bounded(env.OPENAI_TRANSCRIBE_MAX_BYTES, DEFAULT_TRANSCRIBE_MAX_BYTES, 1_000_000, 100_000_000);
}

function openAi(env: AiEnv, apiKey: string): AiProvider {
  return createOpenAiProvider({
    apiKey,
    baseURL: env.OPENAI_BASE_URL || "https://api.openai.com/v1",
    transcriptionModel: env.OPENAI_TRANSCRIPTION_MODEL,
    textModel: env.OPENAI_TEXT_MODEL,
    // Bounded both ways: a job must end within the queue consumer's wall-clock limit (15 minutes).
    timeoutMs: bounded(env.OPENAI_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1_000, 600_000),
    maxRetries: bounded(env.OPENAI_MAX_RETRIES, DEFAULT_MAX_RETRIES, 0, 5),
  });
}

/** Whether audio can be transcribed here (an OpenAI key is set); checked before a transcription is created. */
export function transcriptionConfigured(env: Pick<Env, "OPENAI_API_KEY">): boolean {
  return secret(env.OPENAI_API_KEY) !== null;
}

/** The provider that transcribes audio: OpenAI with a key, else none (transcription answers 503 `ai_unavailable`). */
export function transcriptionProvider(env: AiEnv): AiProvider | null {
  const apiKey = secret(env.OPENAI_API_KEY);
  return apiKey ? openAi(env, apiKey) : null;
}

/** The provider of text generations: OpenAI with a key, else the offline extractive one. */
export function textProvider(env: AiEnv): AiProvider {
  const apiKey = secret(env.OPENAI_API_KEY);
  return apiKey ? openAi(env, apiKey) : createExtractiveProvider();
}
