/** Container families told apart by their first bytes. */
type Family = "isobmff" | "ebml" | "mpeg-audio" | "wav" | "ogg" | "flac";

/**
 * Declared `Content-Type` → the container its bytes must be (SPEC §5: mp4, webm, mkv, mp3, wav, m4a, ogg, flac).
 * A `Map`, not an object literal: a client-sent type such as `constructor` must not find `Object.prototype`.
 */
export const RECORDING_TYPES: ReadonlyMap<string, Family> = new Map<string, Family>([
  ["video/mp4", "isobmff"],
  ["audio/mp4", "isobmff"],
  ["audio/x-m4a", "isobmff"],
  ["audio/m4a", "isobmff"],
  ["video/webm", "ebml"],
  ["audio/webm", "ebml"],
  ["video/x-matroska", "ebml"],
  ["video/matroska", "ebml"],
  ["audio/x-matroska", "ebml"],
  ["audio/mpeg", "mpeg-audio"],
  ["audio/mp3", "mpeg-audio"],
  ["audio/wav", "wav"],
  ["audio/x-wav", "wav"],
  ["audio/wave", "wav"],
  ["audio/vnd.wave", "wav"],
  ["audio/ogg", "ogg"],
  ["video/ogg", "ogg"],
  ["audio/flac", "flac"],
  ["audio/x-flac", "flac"],
]);

/** Bytes needed to recognise every family. */
export const SNIFF_BYTES = 12;

const ascii = (bytes: Uint8Array, from: number, text: string) =>
  [...text].every((ch, i) => bytes[from + i] === ch.charCodeAt(0));

export function sniffFamily(head: Uint8Array): Family | null {
  if (ascii(head, 4, "ftyp")) return "isobmff";
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return "ebml";
  if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) return "wav";
  if (ascii(head, 0, "OggS")) return "ogg";
  if (ascii(head, 0, "fLaC")) return "flac";
  if (ascii(head, 0, "ID3") || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return "mpeg-audio";
  return null;
}

/** The media type without parameters, lowercased; `null` when it is not an allowed recording type. */
export function recordingMediaType(header: string | undefined): string | null {
  const type = (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return RECORDING_TYPES.has(type) ? type : null;
}
