import { toHex } from "../lib/encoding";
import { ApiError } from "../lib/errors";
import { RECORDING_TYPES, SNIFF_BYTES, sniffFamily } from "./media-types";

export interface StreamCheck {
  /** Resolves once the stream has ended: bytes seen and their SHA-256 (hex). */
  done: Promise<{ size: number; sha256: string | null }>;
  /** Why the stream was cut, when Parley cut it (too many bytes). */
  failure: () => ApiError | null;
}

/**
 * Passes an upload through unchanged while checking it: the first bytes must match the declared
 * media type, the byte count must not pass `maxBytes`, and (optionally) a SHA-256 is computed on
 * the way. Nothing is buffered beyond the first few bytes. The type is checked before this returns,
 * so a file of the wrong type is refused before anything is written to R2.
 */
export async function checkedUpload(
  body: ReadableStream<Uint8Array>,
  options: { contentType: string | null; maxBytes: number; sha256: boolean },
): Promise<{ stream: ReadableStream<Uint8Array>; check: StreamCheck }> {
  const expected = options.contentType ? RECORDING_TYPES.get(options.contentType) : undefined;
  const source = expected ? await withMatchingHead(body, options.contentType as string, expected) : body;
  const digest = options.sha256 ? new crypto.DigestStream("SHA-256") : null;
  const digestWriter = digest?.getWriter();
  let size = 0;
  let failure: ApiError | null = null;
  let resolveDone: (value: { size: number; sha256: string | null }) => void = () => {};
  const done = new Promise<{ size: number; sha256: string | null }>((resolve) => {
    resolveDone = resolve;
  });

  const transform = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > options.maxBytes) {
        failure = new ApiError("payload_too_large", `The upload is larger than ${options.maxBytes} bytes.`);
        return controller.error(failure);
      }
      await digestWriter?.write(chunk);
      controller.enqueue(chunk);
    },
    async flush() {
      let sha256: string | null = null;
      if (digest && digestWriter) {
        await digestWriter.close();
        sha256 = toHex(await digest.digest);
      }
      resolveDone({ size, sha256 });
    },
  });
  return { stream: source.pipeThrough(transform), check: { done, failure: () => failure } };
}

/**
 * Reads the body's first bytes and checks them against the declared type; returns the whole body
 * again (those bytes first). Refusing here, before an R2 write has begun, costs no R2 operation.
 */
async function withMatchingHead(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  expected: string,
): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < SNIFF_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  const head = new Uint8Array(Math.min(length, SNIFF_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    head.set(chunk.subarray(0, head.byteLength - offset), offset);
    offset += Math.min(chunk.byteLength, head.byteLength - offset);
  }
  if (sniffFamily(head) !== expected) {
    await reader.cancel().catch(() => {});
    throw new ApiError(
      "unsupported_media_type",
      length < SNIFF_BYTES
        ? "The file is too short to be a recording."
        : `The file's bytes are not ${contentType}; the declared Content-Type must match the content.`,
    );
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** `Content-Length` as a non-negative integer, or a validation error naming the header. */
export function requiredLength(header: string | undefined): number {
  if (header === undefined || !/^\d+$/.test(header)) {
    throw new ApiError(
      "validation_error",
      "Send the body's size in Content-Length; chunked uploads are not accepted.",
      {
        errors: [{ location: "header.content-length", message: "Required, a whole number of bytes" }],
      },
    );
  }
  return Number(header);
}

/**
 * A stream of exactly `totalBytes` (so a request sent with it has a Content-Length) that `write` fills. Bodies
 * piped into its sink are pumped runtime-side: their bytes never pass through JavaScript, so memory stays at
 * the runtime's pipe buffer however large they are.
 */
export function writtenStream(
  totalBytes: number,
  write: (sink: WritableStream<Uint8Array>) => Promise<void>,
): ReadableStream<Uint8Array> {
  const { readable, writable } = new FixedLengthStream(totalBytes);
  void write(writable)
    .then(() => writable.close())
    .catch((error: unknown) => writable.abort(error).catch(() => {}));
  return readable;
}

/** Writes `bytes` into a sink that stays open for what follows. */
export async function writeBytes(sink: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) return;
  const writer = sink.getWriter();
  try {
    await writer.write(bytes);
  } finally {
    writer.releaseLock();
  }
}
