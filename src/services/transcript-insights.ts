export interface SpeakerInsights {
  speaker: string;
  talkTimeSeconds: number;
  talkTimePct: number;
  wordCount: number;
  wordsPerMinute: number;
  longestMonologueSeconds: number;
  monologueCount: number;
  questionCount: number;
  fillerWordCount: number;
}

export interface TranscriptInsights {
  meeting: {
    durationSeconds: number;
    speakerCount: number;
    questionCount: number;
    silenceSeconds: number;
    interruptionCount: number;
  };
  /** Most talk time first. */
  speakers: SpeakerInsights[];
}

/** SPEC §6.3, exactly. `speaker` is the display name (renames applied), so merged labels count as one person. */
export function computeInsights(
  _segments: readonly { speaker: string; start: number; end: number; text: string }[],
): TranscriptInsights {
  throw new Error("not implemented yet (transcript-formats helper)");
}
