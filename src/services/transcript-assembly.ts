import type { ProviderTranscript } from "../ai/provider";
import type { NewSegment } from "./transcript-segments";

/** One chunk's transcript and where the chunk starts in the recording. */
export interface ChunkTranscript {
  startSeconds: number;
  transcript: ProviderTranscript;
}

export interface AssembledTranscript {
  segments: NewSegment[];
  /** `Speaker 1`, `Speaker 2`, … in order of first appearance. */
  labels: string[];
  durationSeconds: number;
  language: string | null;
}

const seconds = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Joins chunk transcripts into the recording's: times shifted by each chunk's start, and speaker labels
 * renamed `Speaker 1`, `Speaker 2`, … in order of first appearance. The provider labels each chunk on its
 * own, so the same label in two chunks need not be the same person: it becomes two labels, which a user
 * merges by renaming both to one name.
 */
export function assembleTranscript(chunks: readonly ChunkTranscript[], requestedLanguage: string | null) {
  const labelOf = new Map<string, string>();
  const segments: NewSegment[] = [];
  let durationSeconds = 0;
  let language = requestedLanguage;
  chunks.forEach(({ startSeconds, transcript }, chunk) => {
    language ??= transcript.language;
    for (const segment of transcript.segments) {
      const key = `${chunk}\u0000${segment.speaker}`;
      let label = labelOf.get(key);
      if (label === undefined) {
        label = `Speaker ${labelOf.size + 1}`;
        labelOf.set(key, label);
      }
      const start = seconds(startSeconds + Math.max(0, segment.start));
      const end = Math.max(start, seconds(startSeconds + segment.end));
      segments.push({ speaker: label, start, end, text: segment.text });
      durationSeconds = Math.max(durationSeconds, end);
    }
    if (transcript.durationInSeconds !== null) {
      durationSeconds = Math.max(durationSeconds, seconds(startSeconds + transcript.durationInSeconds));
    }
  });
  return { segments, labels: [...labelOf.values()], durationSeconds, language } satisfies AssembledTranscript;
}
