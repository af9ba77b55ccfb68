import { RECORDING_TYPES } from "../storage/media-types";
import { writeBytes } from "../storage/streams";
import type { AudioInput } from "./provider";
import {
  codecName,
  InvalidWavError,
  readWavLayout,
  WAVE_FORMAT_IEEE_FLOAT,
  WAVE_FORMAT_PCM,
  type WavLayout,
  wavFileBytes,
  wavHeader,
  wavHeaderBytes,
} from "./wav";

/** A piece of a recording small enough for the provider, and where it starts in the recording. */
export interface AudioChunk {
  index: number;
  /** Offset of the chunk's first sample in the recording, in seconds: its segment times are shifted by it. */
  startSeconds: number;
  /** This chunk as the provider takes it: streamed from R2 with a ranged read each time it is opened. */
  audio: AudioInput;
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
export async function planAudioChunks(source: ChunkSource, maxBytes: number): Promise<AudioChunk[]> {
  if (source.sizeInBytes <= maxBytes) return [wholeRecording(source)];
  const size = `This ${formatName(source)} recording is ${recordingMegabytes(source.sizeInBytes)} MB`;
  const limit = `${limitMegabytes(maxBytes)} MB`;
  if (!isWav(source)) {
    throw new AudioChunkError(
      `${size}; recordings over ${limit} can be transcribed only as WAV (PCM), which Parley splits. Convert it to WAV or upload a smaller file.`,
    );
  }
  const unsplittable = (reason: string) =>
    new AudioChunkError(`${size}, over the ${limit} limit, and cannot be split: ${reason}.`);
  let layout: WavLayout;
  try {
    layout = await readWavLayout((offset, length) => readRange(source, offset, length), source.sizeInBytes);
  } catch (error) {
    throw error instanceof InvalidWavError ? unsplittable(error.message) : error;
  }
  if (layout.encoding !== WAVE_FORMAT_PCM && layout.encoding !== WAVE_FORMAT_IEEE_FLOAT) {
    throw new AudioChunkError(
      `${size} and its audio is ${codecName(layout.encoding)}; recordings over ${limit} can be transcribed only as WAV (PCM), which Parley splits. Convert it to PCM WAV or upload a smaller file.`,
    );
  }
  if (layout.dataBytes === 0) throw unsplittable("it has no audio samples");
  const perChunk = framesPerChunk(layout, maxBytes) * layout.blockAlign;
  if (perChunk === 0) throw unsplittable(`the ${limit} limit is too small for a WAV header and one audio frame`);
  const chunks: AudioChunk[] = [];
  for (let offset = 0, index = 0; offset < layout.dataBytes; offset += perChunk, index++) {
    const length = Math.min(perChunk, layout.dataBytes - offset);
    chunks.push(wavChunk(source, layout, index, offset, length));
  }
  return chunks;
}

/** A recording that cannot be cut for the provider; the message is the failed transcription's `error`. */
export class AudioChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AudioChunkError";
  }
}

function wholeRecording(source: ChunkSource): AudioChunk {
  return {
    index: 0,
    startSeconds: 0,
    audio: {
      filename: source.filename,
      contentType: source.contentType,
      sizeInBytes: source.sizeInBytes,
      async open() {
        const object = await source.bucket.get(source.key);
        if (!object) throw missing();
        return { writeTo: (sink) => object.body.pipeTo(sink, { preventClose: true }) };
      },
    },
  };
}

/** The most whole frames whose standalone WAV file, pad byte included, stays within `maxBytes`. */
function framesPerChunk(layout: WavLayout, maxBytes: number): number {
  const frames = Math.max(0, Math.floor((maxBytes - wavHeaderBytes(layout.fmt)) / layout.blockAlign));
  return frames > 0 && wavFileBytes(layout.fmt, frames * layout.blockAlign) > maxBytes ? frames - 1 : frames;
}

function wavChunk(source: ChunkSource, layout: WavLayout, index: number, offset: number, length: number): AudioChunk {
  return {
    index,
    startSeconds: offset / layout.blockAlign / layout.sampleRate,
    audio: {
      filename: `${basename(source.filename)}.part-${index + 1}.wav`,
      contentType: "audio/wav",
      sizeInBytes: wavFileBytes(layout.fmt, length),
      async open() {
        const start = layout.dataOffset + offset;
        const object = await source.bucket.get(source.key, { range: { offset: start, length } });
        if (!object) throw missing();
        if (object.size < start + length) {
          await object.body.cancel();
          throw new AudioChunkError("The recording's file is shorter than when it was planned.");
        }
        return {
          async writeTo(sink) {
            await writeBytes(sink, wavHeader(layout.fmt, length));
            await object.body.pipeTo(sink, { preventClose: true });
            if (length % 2) await writeBytes(sink, new Uint8Array(1));
          },
        };
      },
    },
  };
}

/** A small ranged read: the WAV header and the chunk list the layout is read from. */
async function readRange(source: ChunkSource, offset: number, length: number): Promise<Uint8Array> {
  const object = await source.bucket.get(source.key, { range: { offset, length } });
  if (!object) throw missing();
  return new Uint8Array(await object.arrayBuffer());
}

const missing = () => new AudioChunkError("The recording's file is no longer in storage.");

const mediaType = (source: ChunkSource) => source.contentType.split(";")[0]?.trim().toLowerCase() ?? "";

function isWav(source: ChunkSource): boolean {
  return RECORDING_TYPES.get(mediaType(source)) === "wav" || /\.wav$/i.test(source.filename);
}

const FORMAT_NAMES: ReadonlyMap<string, string> = new Map([
  ["video/mp4", "MP4"],
  ["audio/mp4", "M4A"],
  ["audio/x-m4a", "M4A"],
  ["audio/m4a", "M4A"],
  ["video/webm", "WebM"],
  ["audio/webm", "WebM"],
  ["video/x-matroska", "MKV"],
  ["video/matroska", "MKV"],
  ["audio/x-matroska", "MKA"],
  ["audio/mpeg", "MP3"],
  ["audio/mp3", "MP3"],
  ["audio/ogg", "Ogg"],
  ["video/ogg", "Ogg"],
  ["audio/flac", "FLAC"],
  ["audio/x-flac", "FLAC"],
]);

function formatName(source: ChunkSource): string {
  if (isWav(source)) return "WAV";
  const extension = /\.([a-z0-9]{1,5})$/i.exec(source.filename)?.[1];
  return FORMAT_NAMES.get(mediaType(source)) ?? extension?.toUpperCase() ?? (mediaType(source) || "unknown");
}

/** Decimal megabytes to two places, as `sizeInMegaBytes`, written `40.0` when the second place is 0. */
function recordingMegabytes(bytes: number): string {
  const hundredths = Math.round(bytes / 10_000);
  return (hundredths / 100).toFixed(hundredths % 10 === 0 ? 1 : 2);
}

/** The limit as a round figure (`25`), with decimals only where it has them. */
const limitMegabytes = (bytes: number) => String(Math.round(bytes / 10_000) / 100);

const basename = (filename: string) => filename.replace(/\.[^.]*$/, "") || "recording";
