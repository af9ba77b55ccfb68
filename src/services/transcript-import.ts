import type { NewSegment } from "./transcript-segments";

/**
 * Parses a WebVTT or SRT file into segments (SPEC §6.2 import). Speakers come from `<v Name>` voice tags
 * and `Name: text` cues; a cue without one is `Speaker 1`. A malformed file throws
 * `ApiError("validation_error")` whose `errors[].message` names the line (1-based) and location `body.content`.
 */
export function parseSubtitles(_format: "vtt" | "srt", _content: string): NewSegment[] {
  throw new Error("not implemented yet (transcript-formats helper)");
}
