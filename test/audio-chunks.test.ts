import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type AudioChunk, AudioChunkError, type ChunkSource, planAudioChunks } from "../src/ai/audio-chunks";
import type { AudioInput } from "../src/ai/provider";

const ascii = (text: string) => new TextEncoder().encode(text);

/** Deterministic bytes that differ at every offset, so a misplaced byte range shows. */
function samples(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function u16(n: number) {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, true);
  return b;
}
function u32(n: number) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A RIFF chunk with its pad byte when the body is odd-sized. */
function chunk(id: string, body: Uint8Array, declaredSize = body.length): Uint8Array {
  return concat([ascii(id), u32(declaredSize), body, body.length % 2 ? new Uint8Array(1) : new Uint8Array(0)]);
}

interface Fmt {
  tag: number;
  channels: number;
  sampleRate: number;
  bits: number;
  /** Container bytes per sample (differs from bits / 8 for 24-in-32 extensible audio). */
  containerBytes?: number;
  subFormat?: number;
  cbSize?: boolean;
}

const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

function fmtBody(f: Fmt): Uint8Array {
  const blockAlign = f.channels * (f.containerBytes ?? f.bits / 8);
  const base = [
    u16(f.tag),
    u16(f.channels),
    u32(f.sampleRate),
    u32(f.sampleRate * blockAlign),
    u16(blockAlign),
    u16((f.containerBytes ?? f.bits / 8) * 8),
  ];
  if (f.tag === 0xfffe) {
    const ext = [u16(22), u16(f.bits), u32(3), u16(f.subFormat ?? 1), new Uint8Array(GUID_TAIL)];
    return concat([...base, ...ext]);
  }
  return concat(f.cbSize ? [...base, u16(0)] : base);
}

function wav(parts: Uint8Array[]): Uint8Array {
  const body = concat([ascii("WAVE"), ...parts]);
  return concat([ascii("RIFF"), u32(body.length), body]);
}

/** Independent of src/ai/wav.ts: what a player would read from a chunk file. */
function parseWav(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = (at: number) => new TextDecoder().decode(bytes.subarray(at, at + 4));
  expect(id(0)).toBe("RIFF");
  expect(id(8)).toBe("WAVE");
  expect(view.getUint32(4, true)).toBe(bytes.length - 8);
  let fmt: Uint8Array | undefined;
  let data: Uint8Array | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const size = view.getUint32(at + 4, true);
    if (id(at) === "fmt ") fmt = bytes.slice(at + 8, at + 8 + size);
    if (id(at) === "data") data = bytes.slice(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  expect(at).toBe(bytes.length);
  if (!fmt || !data) throw new Error("chunk file without fmt or data");
  return { fmt, data };
}

interface Get {
  key: string;
  range?: { offset: number; length: number };
  ranged: boolean;
}

/** The real R2 binding, with every `get` and its options noted. */
function watchedBucket() {
  const gets: Get[] = [];
  const bucket = {
    get(key: string, options?: R2GetOptions) {
      const range = options?.range as { offset: number; length: number } | undefined;
      gets.push({ key, range, ranged: range !== undefined });
      return env.RECORDINGS.get(key, options);
    },
  } as unknown as R2Bucket;
  return { bucket, gets };
}

let serial = 0;
async function stored(bytes: Uint8Array, contentType = "audio/wav", filename = "standup.wav") {
  const key = `test/audio-chunks/${Date.now()}-${serial++}`;
  await env.RECORDINGS.put(key, bytes);
  const watched = watchedBucket();
  const source: ChunkSource = { bucket: watched.bucket, key, filename, contentType, sizeInBytes: bytes.length };
  return { source, gets: watched.gets };
}

const bytesOf = async (audio: AudioInput) => {
  const opened = await audio.open();
  const { readable, writable } = new IdentityTransformStream();
  const [bytes] = await Promise.all([
    new Response(readable).arrayBuffer(),
    opened.writeTo(writable).then(() => writable.close()),
  ]);
  return new Uint8Array(bytes);
};

async function failure(promise: Promise<unknown>): Promise<AudioChunkError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AudioChunkError);
  return error as AudioChunkError;
}

/**
 * Plans `recording`, reads every chunk and checks the contract: each chunk file within the limit and a valid WAV
 * with the recording's fmt chunk; their data, joined, is the recording's audio; start times exact; one ranged read
 * per chunk and none without a range.
 */
async function checkSplit(opts: {
  recording: Uint8Array;
  fmt: Uint8Array;
  audio: Uint8Array;
  sampleRate: number;
  blockAlign: number;
  maxBytes: number;
}) {
  const { source, gets } = await stored(opts.recording);
  const chunks = await planAudioChunks(source, opts.maxBytes);
  const planningGets = gets.length;
  expect(gets.every((g) => g.ranged && (g.range?.length ?? Infinity) <= 64 * 1024)).toBe(true);

  const header = 12 + 8 + opts.fmt.length + (opts.fmt.length % 2) + 8;
  let perChunk = Math.floor((opts.maxBytes - header) / opts.blockAlign) * opts.blockAlign;
  if (perChunk % 2 && header + perChunk + 1 > opts.maxBytes) perChunk -= opts.blockAlign;
  expect(chunks).toHaveLength(Math.ceil(opts.audio.length / perChunk));

  const joined: Uint8Array[] = [];
  let offset = 0;
  for (const [i, c] of chunks.entries()) {
    expect(c.index).toBe(i);
    expect(c.startSeconds).toBe(offset / opts.blockAlign / opts.sampleRate);
    const before = gets.length;
    const file = c.audio;
    const bytes = await bytesOf(file);
    expect(gets.length - before).toBe(1);
    const get = gets[before] as Get;
    expect(get.ranged).toBe(true);
    expect(get.key).toBe(source.key);
    expect(file.filename).toBe(`standup.part-${i + 1}.wav`);
    expect(file.contentType).toBe("audio/wav");
    expect(bytes.length).toBeLessThanOrEqual(opts.maxBytes);
    const parsed = parseWav(bytes);
    expect(parsed.fmt).toEqual(opts.fmt);
    expect(parsed.data.length % opts.blockAlign).toBe(0);
    joined.push(parsed.data);
    offset += parsed.data.length;
  }
  expect(concat(joined)).toEqual(opts.audio);
  expect(gets.filter((g) => !g.ranged)).toEqual([]);
  return { chunks, planningGets };
}

describe("planAudioChunks: within the limit", () => {
  it("gives the whole recording as one chunk from one read", async () => {
    const bytes = samples(9_000);
    const { source, gets } = await stored(bytes, "audio/mpeg", "call.mp3");
    const chunks = await planAudioChunks(source, 9_000);
    expect(chunks.map((c) => [c.index, c.startSeconds])).toEqual([[0, 0]]);
    expect(gets).toHaveLength(0);
    const file = (chunks[0] as AudioChunk).audio;
    expect(file.filename).toBe("call.mp3");
    expect(file.contentType).toBe("audio/mpeg");
    expect(await bytesOf(file)).toEqual(bytes);
    expect(gets).toHaveLength(1);
  });

  it("does not split a WAV that fits", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 16 });
    const recording = wav([chunk("fmt ", fmt), chunk("data", samples(5_000))]);
    const { source } = await stored(recording);
    const chunks = await planAudioChunks(source, recording.length);
    expect(chunks).toHaveLength(1);
    expect(await bytesOf((chunks[0] as AudioChunk).audio)).toEqual(recording);
  });
});

describe("planAudioChunks: WAV over the limit", () => {
  it("splits 8-bit mono with an odd-sized data chunk (pad byte in the last chunk file)", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 8 });
    const audio = samples(50_001);
    const recording = wav([chunk("fmt ", fmt), chunk("data", audio)]);
    const { chunks } = await checkSplit({ recording, fmt, audio, sampleRate: 8_000, blockAlign: 1, maxBytes: 10_000 });
    expect(chunks).toHaveLength(6);
    expect(chunks[1]?.startSeconds).toBe(9_956 / 8_000);
  });

  it("keeps chunk files within an odd limit when frames are odd-sized", async () => {
    const fmt = fmtBody({ tag: 1, channels: 3, sampleRate: 11_025, bits: 8 });
    const audio = samples(3 * 20_001);
    const recording = wav([chunk("fmt ", fmt), chunk("data", audio)]);
    // 10,001 − 44 header bytes = 9,957 = 3,319 frames, but an odd data chunk needs a pad byte: 3,318 frames fit.
    const { chunks } = await checkSplit({ recording, fmt, audio, sampleRate: 11_025, blockAlign: 3, maxBytes: 10_001 });
    expect(chunks[1]?.startSeconds).toBe(3_318 / 11_025);
  });

  it("splits 16-bit stereo after a LIST chunk larger than one header read (odd size, padded)", async () => {
    const fmt = fmtBody({ tag: 1, channels: 2, sampleRate: 44_100, bits: 16 });
    const audio = samples(4 * 25_000);
    const list = chunk("LIST", samples(70_001, 3));
    const recording = wav([chunk("fmt ", fmt), list, chunk("data", audio)]);
    const { planningGets } = await checkSplit({
      recording,
      fmt,
      audio,
      sampleRate: 44_100,
      blockAlign: 4,
      maxBytes: 10_000,
    });
    expect(planningGets).toBe(2);
  });

  it("walks odd-sized chunks before fmt and stops at the declared data size (chunks after data ignored)", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 48_000, bits: 24 });
    const audio = samples(3 * 10_000);
    const recording = wav([
      chunk("JUNK", samples(3, 1)),
      chunk("bext", samples(601, 2)),
      chunk("fmt ", fmt),
      chunk("data", audio),
      chunk("LIST", samples(5_000, 4)),
    ]);
    await checkSplit({ recording, fmt, audio, sampleRate: 48_000, blockAlign: 3, maxBytes: 10_000 });
  });

  it("splits IEEE float32 stereo (fmt with cbSize)", async () => {
    const fmt = fmtBody({ tag: 3, channels: 2, sampleRate: 16_000, bits: 32, cbSize: true });
    expect(fmt.length).toBe(18);
    const audio = samples(8 * 9_000);
    const recording = wav([chunk("fmt ", fmt), chunk("fact", u32(9_000)), chunk("data", audio)]);
    await checkSplit({ recording, fmt, audio, sampleRate: 16_000, blockAlign: 8, maxBytes: 10_000 });
  });

  it("splits WAVE_FORMAT_EXTENSIBLE PCM (24 bits in 32) and float", async () => {
    const pcm = fmtBody({ tag: 0xfffe, channels: 2, sampleRate: 48_000, bits: 24, containerBytes: 4, subFormat: 1 });
    expect(pcm.length).toBe(40);
    const audio = samples(8 * 5_001);
    await checkSplit({
      recording: wav([chunk("fmt ", pcm), chunk("data", audio)]),
      fmt: pcm,
      audio,
      sampleRate: 48_000,
      blockAlign: 8,
      maxBytes: 10_000,
    });
    const float = fmtBody({ tag: 0xfffe, channels: 1, sampleRate: 22_050, bits: 32, subFormat: 3 });
    const mono = samples(4 * 7_000);
    await checkSplit({
      recording: wav([chunk("fmt ", float), chunk("data", mono)]),
      fmt: float,
      audio: mono,
      sampleRate: 22_050,
      blockAlign: 4,
      maxBytes: 10_000,
    });
  });

  it("uses the bytes present when the data size is 0xFFFFFFFF or 0 (streamed WAVs), whole frames only", async () => {
    const fmt = fmtBody({ tag: 1, channels: 2, sampleRate: 48_000, bits: 24 });
    const audio = samples(6 * 4_000 + 5);
    for (const declared of [0xffffffff, 0]) {
      const body = concat([ascii("WAVE"), chunk("fmt ", fmt), ascii("data"), u32(declared), audio]);
      const recording = concat([ascii("RIFF"), u32(declared), body]);
      await checkSplit({
        recording,
        fmt,
        audio: audio.subarray(0, 6 * 4_000),
        sampleRate: 48_000,
        blockAlign: 6,
        maxBytes: 10_000,
      });
    }
  });

  it("takes an RF64 file's data size from its ds64 chunk", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 16_000, bits: 16 });
    const audio = samples(2 * 9_000);
    const ds64 = new Uint8Array(28);
    new DataView(ds64.buffer).setBigUint64(8, BigInt(audio.length), true);
    const body = concat([
      ascii("WAVE"),
      chunk("ds64", ds64),
      chunk("fmt ", fmt),
      chunk("data", audio, 0xffffffff),
      chunk("LIST", samples(3_000, 9)),
    ]);
    const recording = concat([ascii("RF64"), u32(0xffffffff), body]);
    await checkSplit({ recording, fmt, audio, sampleRate: 16_000, blockAlign: 2, maxBytes: 10_000 });
  });

  it("uses the bytes present when the declared data size runs past the end of the object", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 16 });
    const audio = samples(2 * 12_000);
    const recording = wav([chunk("fmt ", fmt), chunk("data", audio, 2 * 50_000)]);
    await checkSplit({ recording, fmt, audio, sampleRate: 8_000, blockAlign: 2, maxBytes: 10_000 });
  });
});

describe("planAudioChunks: recordings that cannot be split", () => {
  it("names the format and the limit for other formats over it, without reading the recording", async () => {
    const cases: [string, string, string][] = [
      ["audio/mpeg", "call.mp3", "MP3"],
      ["video/mp4", "call.mp4", "MP4"],
      ["audio/x-m4a", "call.m4a", "M4A"],
      ["video/webm", "call.webm", "WebM"],
      ["audio/flac", "call.flac", "FLAC"],
    ];
    for (const [type, filename, name] of cases) {
      const { source, gets } = await stored(samples(100), type, filename);
      const error = await failure(planAudioChunks({ ...source, sizeInBytes: 40_000_000 }, 25_000_000));
      expect(error.message).toBe(
        `This ${name} recording is 40.0 MB; recordings over 25 MB can be transcribed only as WAV (PCM), which Parley splits. Convert it to WAV or upload a smaller file.`,
      );
      expect(gets).toHaveLength(0);
    }
  });

  it("recognises WAV by any of its media types or by the .wav filename", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 8 });
    const recording = wav([chunk("fmt ", fmt), chunk("data", samples(20_000))]);
    for (const [type, filename] of [
      ["audio/x-wav", "a.bin"],
      ["audio/wave", "a"],
      ["audio/vnd.wave; codecs=1", "a"],
      ["AUDIO/WAV", "a"],
      ["application/octet-stream", "Standup.WAV"],
    ] as const) {
      const { source } = await stored(recording, type, filename);
      expect(await planAudioChunks(source, 10_000)).toHaveLength(3);
    }
  });

  it("names the codec of a compressed WAV and the limit", async () => {
    const adpcm = concat([u16(0x11), u16(1), u32(8_000), u32(4_055), u16(256), u16(4), u16(2), u16(505)]);
    const { source } = await stored(wav([chunk("fmt ", adpcm), chunk("data", samples(20_000))]));
    const error = await failure(planAudioChunks(source, 10_000));
    expect(error.message).toContain("IMA ADPCM");
    expect(error.message).toContain("0.01 MB");
    const mp3 = fmtBody({ tag: 0xfffe, channels: 1, sampleRate: 8_000, bits: 16, subFormat: 0x55 });
    const ext = await stored(wav([chunk("fmt ", mp3), chunk("data", samples(20_000))]));
    expect((await failure(planAudioChunks(ext.source, 10_000))).message).toContain("MP3");
  });

  it("explains an invalid WAV", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 16 });
    const audio = samples(20_000);
    const zeroAlign = concat([u16(1), u16(1), u32(8_000), u32(16_000), u16(0), u16(16)]);
    const cases: [Uint8Array, RegExp][] = [
      [concat([ascii("OggS"), samples(20_000)]), /RIFF/],
      [wav([chunk("fmt ", fmt), chunk("LIST", samples(20_000))]), /data chunk/],
      [wav([chunk("LIST", samples(10)), chunk("data", audio)]), /fmt chunk/],
      [wav([chunk("fmt ", zeroAlign), chunk("data", audio)]), /block align/i],
      [wav([chunk("fmt ", fmt.subarray(0, 12)), chunk("data", audio)]), /fmt chunk/],
      [wav([chunk("fmt ", fmt), chunk("LIST", samples(15_000), 50_000)]), /data chunk/],
      // A data size of 0 means "to the end" (streamed WAVs), so "no audio" is a data chunk shorter than one frame.
      [wav([chunk("fmt ", fmt), chunk("data", samples(1)), chunk("LIST", samples(20_000))]), /no audio/],
    ];
    for (const [recording, reason] of cases) {
      const { source } = await stored(recording);
      const error = await failure(planAudioChunks(source, 10_000));
      expect(error.message).toMatch(/^This WAV recording is 0\.02 MB, over the 0\.01 MB limit, and cannot be split: /);
      expect(error.message).toMatch(reason);
    }
  });

  it("bounds the header reads a file with many large chunks before its audio costs", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 16 });
    const junk = chunk("JUNK", new Uint8Array(70_000));
    const fits = await stored(wav([chunk("fmt ", fmt), ...Array(15).fill(junk), chunk("data", samples(200))]));
    expect(await planAudioChunks(fits.source, 100)).toHaveLength(4);
    expect(fits.gets.filter((g) => g.ranged)).toHaveLength(16);
    const { source, gets } = await stored(
      wav([chunk("fmt ", fmt), ...Array(20).fill(junk), chunk("data", samples(200))]),
    );
    expect((await failure(planAudioChunks(source, 100))).message).toMatch(/too many chunks/);
    expect(gets).toHaveLength(16);
  });

  it("rejects a header cut short", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 16 });
    const whole = wav([chunk("fmt ", fmt), chunk("data", samples(100))]);
    for (const length of [8, 20, 30]) {
      const { source } = await stored(whole.subarray(0, length));
      expect((await failure(planAudioChunks(source, 4))).message).toMatch(/cannot be split: .*(short|ends)/);
    }
  });

  it("says when the limit is too small for a header and one frame", async () => {
    const fmt = fmtBody({ tag: 1, channels: 2, sampleRate: 8_000, bits: 16 });
    const { source } = await stored(wav([chunk("fmt ", fmt), chunk("data", samples(400))]));
    expect((await failure(planAudioChunks(source, 47))).message).toMatch(/too small/);
    expect(await planAudioChunks(source, 48)).toHaveLength(100);
  });

  it("fails a chunk read when the object is gone", async () => {
    const fmt = fmtBody({ tag: 1, channels: 1, sampleRate: 8_000, bits: 8 });
    const { source } = await stored(wav([chunk("fmt ", fmt), chunk("data", samples(20_000))]));
    const chunks = await planAudioChunks(source, 10_000);
    await env.RECORDINGS.delete(source.key);
    await failure((chunks[1] as AudioChunk).audio.open());
  });
});
