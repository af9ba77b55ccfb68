import type { GenerationInput, GenerationKind, GenerationOutput } from "./generations";

/** One segment of speech as a provider returns it: times in seconds from the start of the audio it was given. */
export interface ProviderSegment {
  speaker: string;
  start: number;
  end: number;
  text: string;
}

/** What a provider heard in one audio file (or one chunk of a larger recording). */
export interface ProviderTranscript {
  language: string | null;
  /** Length of the audio as the provider measured it, when it says. */
  durationInSeconds: number | null;
  segments: ProviderSegment[];
}

/**
 * One audio file to transcribe, at most `OPENAI_TRANSCRIBE_MAX_BYTES`, read as a stream: it goes from R2 to the
 * provider without being held in memory.
 */
export interface AudioInput {
  filename: string;
  contentType: string;
  sizeInBytes: number;
  /**
   * Opens the bytes from the start (failing here when they are gone); called once per attempt, so a retried
   * request sends them again.
   */
  open(): Promise<OpenedAudio>;
}

/** Audio ready to be written into a request body. */
export interface OpenedAudio {
  /** Writes every byte into `sink`, leaving it open for what follows. */
  writeTo(sink: WritableStream<Uint8Array>): Promise<void>;
}

/** An audio file already in memory (tests, small inputs) as an `AudioInput`. */
export function audioFromFile(file: File): AudioInput {
  return {
    filename: file.name,
    contentType: file.type,
    sizeInBytes: file.size,
    open: async () => ({ writeTo: (sink) => file.stream().pipeTo(sink, { preventClose: true }) }),
  };
}

/** One audio input to transcribe, and its language. */
export interface TranscribeRequest {
  audio: AudioInput;
  /** ISO-639-1 hint, or null to let the model detect it. */
  language: string | null;
}

/** A generation's result, with the model that made it (`parley-extractive` for the offline provider). */
export interface Generated<T> {
  result: T;
  model: string;
}

/**
 * Why a provider call failed, worded for the `error` field of a failed job: never a stack trace or the
 * provider's raw body. `unavailable` covers 5xx, refused connections and timeouts; `malformed` an answer
 * that did not match its schema; `rejected` a 4xx the provider gave for this input.
 */
export class AiProviderError extends Error {
  constructor(
    readonly reason: "unavailable" | "malformed" | "rejected" | "not_configured",
    message: string,
  ) {
    super(message);
    this.name = "AiProviderError";
  }
}

/** The AI behind transcriptions, summaries and generations (SPEC §6.1). */
export interface AiProvider {
  /** `openai` or `extractive`. */
  readonly name: "openai" | "extractive";
  /** Speech to text with speaker segments; only the OpenAI provider can (the extractive one throws `not_configured`). */
  transcribe(request: TranscribeRequest): Promise<ProviderTranscript>;
  /** A text generation of one kind, validated against that kind's schema before it is returned. */
  generate<K extends GenerationKind>(kind: K, input: GenerationInput[K]): Promise<Generated<GenerationOutput[K]>>;
}
