/** A piece of a recording small enough for the provider, and where it starts in the recording. */
export interface AudioChunk {
  index: number;
  /** Offset of the chunk's first sample in the recording, in seconds: its segment times are shifted by it. */
  startSeconds: number;
  /** Reads this chunk from R2 with a ranged read and returns it as a file the provider can take. */
  file(): Promise<File>;
}

/** The recording as the chunker needs it. */
export interface ChunkSource {
  bucket: R2Bucket;
  key: string;
  filename: string;
  contentType: string;
  sizeInBytes: number;
}

/**
 * A recording in provider-sized pieces (SPEC §6.2): whole when it fits in `maxBytes`; a WAV (PCM) over it
 * split at frame boundaries into valid WAV files with their own headers; any other format over it throws
 * `AudioChunkError` whose message names the format and the limit.
 */
export async function planAudioChunks(_source: ChunkSource, _maxBytes: number): Promise<AudioChunk[]> {
  throw new Error("not implemented yet (audio-chunks helper)");
}

/** A recording that cannot be cut for the provider; the message is the failed transcription's `error`. */
export class AudioChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AudioChunkError";
  }
}
