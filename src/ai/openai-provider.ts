import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { writeBytes, writtenStream } from "../storage/streams";
import { GENERATION_SCHEMAS, type GenerationInput, type GenerationKind, type GenerationOutput } from "./generations";
import {
  type ChatPrompt,
  chunkSegments,
  generationPrompt,
  type MapReduceKind,
  mergePrompt,
  partialPrompt,
} from "./prompts";
import {
  type AiProvider,
  AiProviderError,
  type AudioInput,
  type OpenedAudio,
  type ProviderSegment,
  type ProviderTranscript,
} from "./provider";
import { conformToTemplate } from "./template-sections";

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
  /**
   * Characters of transcript lines one summary or key-points request may carry; longer transcripts are
   * summarised map-reduce (SPEC §6.4). Defaults to `DEFAULT_MAX_PROMPT_CHARS`.
   */
  maxPromptChars?: number;
}

/** About 60k tokens of transcript: room for instructions and the answer in a 128k-token context. */
export const DEFAULT_MAX_PROMPT_CHARS = 240_000;

/** A diarizing model answers with speaker labels; any other gets one speaker. */
const isDiarizing = (model: string) => model.includes("diarize");
const SINGLE_SPEAKER = "Speaker 1";

const TimedText = { start: z.number().min(0), end: z.number().min(0), text: z.string() };
const DiarizedResponse = z.object({
  duration: z.number().min(0).nullish(),
  segments: z.array(z.object({ ...TimedText, speaker: z.string().min(1) })),
});
const VerboseResponse = z.object({
  duration: z.number().min(0).nullish(),
  language: z.string().nullish(),
  segments: z.array(z.object(TimedText)).nullish(),
});

/** The OpenAI provider: the `openai` package, every response validated with zod before use (SPEC §6.1). */
export function createOpenAiProvider(options: OpenAiProviderOptions): AiProvider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });
  const maxPromptChars = options.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS;
  const failure = (error: unknown) => providerError(error, options);

  async function complete<K extends GenerationKind>(
    kind: K,
    prompt: ChatPrompt,
  ): Promise<{ result: GenerationOutput[K]; model: string }> {
    const schema = GENERATION_SCHEMAS[kind];
    const completion = await client.chat.completions
      .parse({
        model: options.textModel,
        messages: [
          { role: "system", content: prompt.system },
          { role: "user", content: prompt.user },
        ],
        response_format: zodResponseFormat(schema, kind),
      })
      .catch((error: unknown) => {
        throw failure(error);
      });
    const message = completion.choices?.[0]?.message;
    if (message?.refusal) throw new AiProviderError("rejected", "The AI model refused to answer this request.");
    const checked = schema.safeParse(message?.parsed);
    if (!checked.success) {
      throw new AiProviderError("malformed", `The AI provider's ${kind} did not match the expected shape.`);
    }
    const model = typeof completion.model === "string" && completion.model ? completion.model : options.textModel;
    return { result: checked.data as GenerationOutput[K], model };
  }

  /** Map over chunks of a long transcript, then merge the partial results (in batches that fit) into one. */
  async function mapReduce<K extends MapReduceKind>(kind: K, input: GenerationInput[K]) {
    const chunks = chunkSegments(input.segments, maxPromptChars);
    if (chunks.length <= 1) return complete(kind, generationPrompt(kind, input));
    let partials: GenerationOutput[K][] = [];
    let model = options.textModel;
    for (const [i, chunk] of chunks.entries()) {
      const part = await complete(kind, partialPrompt(kind, input, chunk, i + 1, chunks.length));
      partials.push(part.result);
      model = part.model;
    }
    while (partials.length > 1) {
      const merged: GenerationOutput[K][] = [];
      for (const batch of batchesUnder(partials, maxPromptChars)) {
        const whole =
          batch.length === 1
            ? { result: batch[0] as GenerationOutput[K], model }
            : await complete(kind, mergePrompt(kind, input, batch));
        merged.push(whole.result);
        model = whole.model;
      }
      partials = merged;
    }
    return { result: partials[0] as GenerationOutput[K], model };
  }

  return {
    name: "openai",

    async transcribe({ audio, language }): Promise<ProviderTranscript> {
      const model = options.transcriptionModel;
      const diarize = isDiarizing(model);
      const fields: [string, string][] = [
        ["model", model],
        ...(language ? [["language", language] as [string, string]] : []),
        ...((diarize
          ? [
              ["response_format", "diarized_json"],
              ["chunking_strategy", "auto"],
            ]
          : [
              ["response_format", "verbose_json"],
              ["timestamp_granularities[]", "segment"],
            ]) as [string, string][]),
      ];
      // The SDK does not retry a streamed body (it cannot replay it): each attempt here reopens the audio.
      const raw: unknown = await withRetries(options.maxRetries, async () => {
        const body = multipartBody(fields, audio, await audio.open());
        return client.post("/audio/transcriptions", {
          body: body.stream,
          headers: { "content-type": body.contentType },
        });
      }).catch((error: unknown) => {
        throw failure(error);
      });
      if (diarize) {
        const parsed = DiarizedResponse.safeParse(raw);
        if (!parsed.success) throw malformedTranscript();
        return {
          language: language ?? null,
          durationInSeconds: parsed.data.duration ?? null,
          segments: cleanSegments(parsed.data.segments.map((s) => ({ ...s, speaker: speakerName(s.speaker) }))),
        };
      }
      const parsed = VerboseResponse.safeParse(raw);
      if (!parsed.success) throw malformedTranscript();
      return {
        language: language ?? languageCode(parsed.data.language),
        durationInSeconds: parsed.data.duration ?? null,
        segments: cleanSegments((parsed.data.segments ?? []).map((s) => ({ ...s, speaker: SINGLE_SPEAKER }))),
      };
    },

    async generate(kind, input) {
      if (kind === "summary") {
        const summaryInput = input as GenerationInput["summary"];
        const { result, model } = await mapReduce("summary", summaryInput);
        const sections = conformToTemplate(result.sections, summaryInput.template);
        return { result: { ...result, sections }, model } as never;
      }
      if (kind === "keypoints") return mapReduce("keypoints", input as GenerationInput["keypoints"]) as never;
      return complete(kind, generationPrompt(kind, input));
    },
  };
}

function malformedTranscript(): AiProviderError {
  return new AiProviderError("malformed", "The AI provider's transcription did not match the expected shape.");
}

/** Segments in time order with trimmed text; empty ones dropped; an end before its start is a malformed answer. */
function cleanSegments(segments: ProviderSegment[]): ProviderSegment[] {
  if (segments.some((s) => s.end < s.start)) throw malformedTranscript();
  return segments
    .map((s) => ({ ...s, text: s.text.replace(/\s+/g, " ").trim() }))
    .filter((s) => s.text !== "")
    .sort((a, b) => a.start - b.start);
}

/** Diarized labels come as `A`, `B`, …; they read as `Speaker A` (names given as known speakers are kept). */
function speakerName(label: string): string {
  const trimmed = label.trim();
  return /^[A-Z]{1,2}$/.test(trimmed) ? `Speaker ${trimmed}` : trimmed;
}

const LANGUAGE_CODES: Record<string, string> = {
  english: "en",
  german: "de",
  french: "fr",
  spanish: "es",
  italian: "it",
  portuguese: "pt",
  dutch: "nl",
  swedish: "sv",
  danish: "da",
  norwegian: "no",
  finnish: "fi",
  polish: "pl",
  czech: "cs",
  russian: "ru",
  ukrainian: "uk",
  turkish: "tr",
  greek: "el",
  arabic: "ar",
  hebrew: "he",
  hindi: "hi",
  japanese: "ja",
  chinese: "zh",
  korean: "ko",
  vietnamese: "vi",
  thai: "th",
  indonesian: "id",
  romanian: "ro",
  hungarian: "hu",
};

/** Whisper names the language (`english`); Parley stores ISO 639-1. Unknown names are left out, not guessed. */
function languageCode(value: string | null | undefined): string | null {
  if (!value) return null;
  const lower = value.trim().toLowerCase();
  if (/^[a-z]{2}$/.test(lower)) return lower;
  return LANGUAGE_CODES[lower] ?? null;
}

/** Consecutive batches whose JSON fits `maxChars`, at least two per batch so every round of merging shrinks. */
function batchesUnder<T>(items: readonly T[], maxChars: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const length = JSON.stringify(item).length;
    if (current.length >= 2 && size + length > maxChars) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * A multipart/form-data body of text fields and the audio file, framed here rather than by the SDK's FormData
 * or streaming-file encoder: the audio is piped into the request runtime-side (`writtenStream`), so a 25 MB chunk
 * never passes through JavaScript, which kept workerd's memory growing chunk after chunk on long recordings.
 */
function multipartBody(fields: [string, string][], audio: AudioInput, opened: OpenedAudio) {
  const boundary = `parley-${crypto.randomUUID()}`;
  const quoted = (value: string) => value.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c));
  const head = [
    ...fields.map(
      ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    ),
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(audio.filename)}"\r\n`,
    `Content-Type: ${audio.contentType || "application/octet-stream"}\r\n\r\n`,
  ].join("");
  const encoder = new TextEncoder();
  const before = encoder.encode(head);
  const after = encoder.encode(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    stream: writtenStream(before.length + audio.sizeInBytes + after.length, async (sink) => {
      await writeBytes(sink, before);
      await opened.writeTo(sink);
      await writeBytes(sink, after);
    }),
  };
}

/**
 * `attempt` retried as the SDK retries its own requests (connection failures, timeouts, 408, 409, 429, 5xx), at
 * most `maxRetries` times, waiting 0.5 s doubling up to 8 s, or the provider's `Retry-After` when it is under a
 * minute.
 */
async function withRetries<T>(maxRetries: number, attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry >= maxRetries || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(error, retry)));
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionError) return true;
  const status = error instanceof OpenAI.APIError ? error.status : undefined;
  return typeof status === "number" && (status >= 500 || [408, 409, 429].includes(status));
}

function retryDelayMs(error: unknown, retry: number): number {
  const header = error instanceof OpenAI.APIError ? error.headers?.get("retry-after") : null;
  const seconds = header ? Number(header) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0 && seconds < 60) return seconds * 1000;
  return Math.min(500 * 2 ** retry, 8000);
}

/**
 * An SDK failure as a readable `AiProviderError`: it names the HTTP status or the kind of failure, never the
 * provider's body (which can echo the request or carry internals) and never a stack.
 */
function providerError(error: unknown, options: OpenAiProviderOptions): AiProviderError {
  if (error instanceof AiProviderError) return error;
  const attempts = options.maxRetries + 1;
  const tried = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new AiProviderError(
      "unavailable",
      `The AI provider did not answer within ${options.timeoutMs / 1000} s (${tried}).`,
    );
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new AiProviderError("unavailable", `The AI provider could not be reached (${tried}).`);
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const status = error.status;
    if (status >= 500 || status === 429 || status === 408 || status === 409) {
      const why = status === 429 ? "is rate limiting Parley" : "failed";
      return new AiProviderError("unavailable", `The AI provider ${why} (HTTP ${status}, ${tried}).`);
    }
    const hint = status === 401 || status === 403 ? " Check OPENAI_API_KEY." : "";
    return new AiProviderError("rejected", `The AI provider rejected the request (HTTP ${status}).${hint}`);
  }
  // A body that is not JSON, structured output that does not parse or fit its schema, a cut-off answer.
  if (error instanceof SyntaxError || error instanceof z.ZodError || error instanceof OpenAI.OpenAIError) {
    return new AiProviderError("malformed", "The AI provider's answer was not valid JSON of the expected shape.");
  }
  return new AiProviderError("unavailable", "The AI provider call failed unexpectedly.");
}
