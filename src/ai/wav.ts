/** Reads `length` bytes of the file from `offset` (fewer only if the file is shorter). */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

/** What a WAV's header says about its audio, as far as cutting it into standalone WAV files needs. */
export interface WavLayout {
  /** The `fmt ` chunk's body, copied into every piece so each one declares the recording's format. */
  fmt: Uint8Array;
  /** The sample encoding: the format tag, or the sub-format of a WAVE_FORMAT_EXTENSIBLE file. */
  encoding: number;
  sampleRate: number;
  /** Bytes per frame (one sample of every channel): pieces are cut at multiples of it. */
  blockAlign: number;
  /** Where the audio starts in the file. */
  dataOffset: number;
  /** Audio bytes present, whole frames only. */
  dataBytes: number;
}

/** The file is not a WAV that can be cut; the message is the reason, in words. */
export class InvalidWavError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidWavError";
  }
}

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_* GUIDs are the format tag followed by these 14 bytes. */
const SUBTYPE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const CODEC_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0001, "PCM"],
  [0x0002, "Microsoft ADPCM"],
  [0x0003, "IEEE float"],
  [0x0006, "A-law"],
  [0x0007, "µ-law"],
  [0x0011, "IMA ADPCM"],
  [0x0031, "GSM 6.10"],
  [0x0050, "MPEG audio"],
  [0x0055, "MP3"],
  [0x00ff, "AAC"],
  [0x0161, "WMA"],
  [0x1610, "AAC"],
  [0x2000, "AC-3"],
  [0xf1ac, "FLAC"],
  [0xfffe, "an unknown WAVE_FORMAT_EXTENSIBLE sub-format"],
]);

/** A format tag in words, e.g. `MP3 (format 0x0055)`. */
export function codecName(encoding: number): string {
  const hex = `0x${encoding.toString(16).padStart(4, "0")}`;
  const name = CODEC_NAMES.get(encoding);
  return name ? `${name} (format ${hex})` : `format ${hex}`;
}

/** Header reads fetch this much at a time, so a usual header (fmt, LIST, data) costs one read. */
const HEADER_WINDOW = 64 * 1024;
/** Bounds the work a hostile header (thousands of large chunks before `data`) can cause. */
const MAX_HEADER_READS = 16;
/** Real fmt chunks are 16–40 bytes; anything much larger is not a format description. */
const MAX_FMT_BYTES = 1024;
const MAX_U32 = 0xffffffff;

/** Serves small header reads from one buffered window, refilled with a ranged read when a read falls outside it. */
class HeaderReader {
  private start = 0;
  private window: Uint8Array = new Uint8Array(0);
  private reads = 0;

  constructor(
    private readonly read: ReadRange,
    private readonly size: number,
  ) {}

  async view(offset: number, length: number): Promise<DataView> {
    if (offset < this.start || offset + length > this.start + this.window.length) {
      if (++this.reads > MAX_HEADER_READS) throw new InvalidWavError("its header has too many chunks before the audio");
      const want = Math.min(Math.max(length, HEADER_WINDOW), this.size - offset);
      this.window = await this.read(offset, want);
      this.start = offset;
      if (this.window.length < length) throw new InvalidWavError("the file ends inside its header");
    }
    return new DataView(this.window.buffer, this.window.byteOffset + offset - this.start, length);
  }
}

const fourcc = (view: DataView, at: number) =>
  String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));

interface Format {
  encoding: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
}

function parseFmt(fmt: DataView): Format {
  const tag = fmt.getUint16(0, true);
  const format = {
    encoding: tag,
    channels: fmt.getUint16(2, true),
    sampleRate: fmt.getUint32(4, true),
    blockAlign: fmt.getUint16(12, true),
  };
  if (format.channels === 0) throw new InvalidWavError("its fmt chunk declares 0 channels");
  if (format.sampleRate === 0) throw new InvalidWavError("its fmt chunk declares a sample rate of 0");
  if (format.blockAlign === 0) throw new InvalidWavError("its fmt chunk declares a block align of 0");
  if (tag !== WAVE_FORMAT_EXTENSIBLE) return format;
  if (fmt.byteLength < 40) throw new InvalidWavError("its WAVE_FORMAT_EXTENSIBLE fmt chunk is too short");
  const knownSubtype = SUBTYPE_GUID_TAIL.every((byte, i) => fmt.getUint8(26 + i) === byte);
  return { ...format, encoding: knownSubtype ? fmt.getUint16(24, true) : tag };
}

/**
 * Walks a RIFF/WAVE (or RF64) file's chunks with a few small ranged reads, up to the start of its `data` chunk,
 * and says where the audio is. A `data` size of 0 or 0xFFFFFFFF (written by recorders that stream) or one past the
 * end of the file means "to the end of the file"; a trailing partial frame is left out.
 */
export async function readWavLayout(read: ReadRange, size: number): Promise<WavLayout> {
  if (size < 12) throw new InvalidWavError("it is too short to be a WAV file");
  const reader = new HeaderReader(read, size);
  const riff = await reader.view(0, 12);
  const magic = fourcc(riff, 0);
  if (!["RIFF", "RF64", "BW64"].includes(magic) || fourcc(riff, 8) !== "WAVE") {
    throw new InvalidWavError("it does not start with a RIFF/WAVE header");
  }
  let fmt: Uint8Array | undefined;
  let format: Format | undefined;
  let ds64DataSize: number | undefined;
  let at = 12;
  for (;;) {
    if (at + 8 > size) {
      throw new InvalidWavError(format ? "it has no data chunk" : "it has no fmt chunk before its audio");
    }
    const head = await reader.view(at, 8);
    const id = fourcc(head, 0);
    const chunkSize = head.getUint32(4, true);
    const body = at + 8;
    if (id === "data") {
      if (!fmt || !format) throw new InvalidWavError("it has no fmt chunk before its audio");
      const present = size - body;
      const declared = chunkSize === MAX_U32 && ds64DataSize !== undefined ? ds64DataSize : chunkSize;
      const bytes = declared === 0 || declared === MAX_U32 || declared > present ? present : declared;
      const dataBytes = bytes - (bytes % format.blockAlign);
      return { fmt, ...format, dataOffset: body, dataBytes };
    }
    if (id === "fmt ") {
      if (chunkSize < 16 || chunkSize > MAX_FMT_BYTES) {
        throw new InvalidWavError(`its fmt chunk is ${chunkSize} bytes, not a format description`);
      }
      if (body + chunkSize > size) throw new InvalidWavError("the file ends inside its fmt chunk");
      const view = await reader.view(body, chunkSize);
      format = parseFmt(view);
      fmt = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
    }
    if (id === "ds64" && magic !== "RIFF" && chunkSize >= 16 && body + 16 <= size) {
      ds64DataSize = Number((await reader.view(body, 16)).getBigUint64(8, true));
    }
    at = body + chunkSize + (chunkSize % 2);
  }
}

/** Bytes of the header `wavHeader` writes for this fmt chunk. */
export function wavHeaderBytes(fmt: Uint8Array): number {
  return 12 + 8 + fmt.length + (fmt.length % 2) + 8;
}

/** Bytes of a standalone WAV file with this fmt chunk and `dataBytes` of audio (RIFF pads odd chunks). */
export function wavFileBytes(fmt: Uint8Array, dataBytes: number): number {
  return wavHeaderBytes(fmt) + dataBytes + (dataBytes % 2);
}

/**
 * The header of a minimal standalone WAV file: RIFF/WAVE, the given fmt chunk, and a data chunk header for
 * `dataBytes`. The caller appends the audio, then one zero byte when `dataBytes` is odd.
 */
export function wavHeader(fmt: Uint8Array, dataBytes: number): Uint8Array {
  const header = new Uint8Array(wavHeaderBytes(fmt));
  const view = new DataView(header.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) header[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, wavFileBytes(fmt, dataBytes) - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, fmt.length, true);
  header.set(fmt, 20);
  const data = header.length - 8;
  ascii(data, "data");
  view.setUint32(data + 4, dataBytes, true);
  return header;
}
