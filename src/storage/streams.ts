import { toHex } from "../lib/encoding";
import { ApiError } from "../lib/errors";
import { RECORDING_TYPES, SNIFF_BYTES, sniffFamily } from "./media-types";

export interface StreamCheck {
  /** Resolves once the stream has ended: bytes seen and their SHA-256 (hex). */
  done: Promise<{ size: number; sha256: string | null }>;
  /** Why the stream was cut, when Parley cut it (wrong magic bytes, too many bytes). */
  failure: () => ApiError | null;
}

/**
 * Passes an upload through unchanged while checking it: the first bytes must match the declared
 * media type, the byte count must not pass `maxBytes`, and (optionally) a SHA-256 is computed on
 * the way. Nothing is buffered beyond the first few bytes.
 */
export function checkedUpload(
  body: ReadableStream<Uint8Array>,
  options: { contentType: string | null; maxBytes: number; sha256: boolean },
): { stream: ReadableStream<Uint8Array>; check: StreamCheck } {
  const expected = options.contentType ? RECORDING_TYPES.get(options.contentType) : undefined;
  const digest = options.sha256 ? new crypto.DigestStream("SHA-256") : null;
  const digestWriter = digest?.getWriter();
  let head = new Uint8Array(0);
  let size = 0;
  let failure: ApiError | null = null;
  let resolveDone: (value: { size: number; sha256: string | null }) => void = () => {};
  const done = new Promise<{ size: number; sha256: string | null }>((resolve) => {
    resolveDone = resolve;
  });

  const fail = (error: ApiError, controller: TransformStreamDefaultController<Uint8Array>) => {
    failure = error;
    controller.error(error);
  };

  const transform = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > options.maxBytes) {
        return fail(
          new ApiError("payload_too_large", `The upload is larger than ${options.maxBytes} bytes.`),
          controller,
        );
      }
      if (expected && head.byteLength < SNIFF_BYTES) {
        const joined = new Uint8Array(head.byteLength + chunk.byteLength);
        joined.set(head);
        joined.set(chunk, head.byteLength);
        head = joined.slice(0, SNIFF_BYTES);
        if (head.byteLength >= SNIFF_BYTES && sniffFamily(head) !== expected) {
          return fail(
            new ApiError(
              "unsupported_media_type",
              `The file's bytes are not ${options.contentType}; the declared Content-Type must match the content.`,
            ),
            controller,
          );
        }
      }
      await digestWriter?.write(chunk);
      controller.enqueue(chunk);
    },
    async flush(controller) {
      if (expected && head.byteLength < SNIFF_BYTES && sniffFamily(head) !== expected) {
        return fail(new ApiError("unsupported_media_type", "The file is too short to be a recording."), controller);
      }
      let sha256: string | null = null;
      if (digest && digestWriter) {
        await digestWriter.close();
        sha256 = toHex(await digest.digest);
      }
      resolveDone({ size, sha256 });
    },
  });
  return { stream: body.pipeThrough(transform), check: { done, failure: () => failure } };
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
