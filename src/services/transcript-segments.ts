/** A segment as stored: the provider's or importer's raw `speakerLabel`, kept; `speaker` with renames applied. */
export interface TranscriptSegment {
  index: number;
  speakerLabel: string;
  speaker: string;
  start: number;
  end: number;
  text: string;
}

/** A segment before it is stored (imports, provider output after label normalisation). */
export interface NewSegment {
  speaker: string;
  start: number;
  end: number;
  text: string;
}

/** Speaker renames: raw label → display name. */
export type SpeakerNames = Readonly<Record<string, string>>;

/** Applies renames: a label without one shows as itself. */
export function displayName(label: string, names: SpeakerNames): string {
  return Object.hasOwn(names, label) ? (names[label] as string) : label;
}
