import type { z } from "@hono/zod-openapi";
import { ApiError } from "../../lib/errors";
import { issuesToFieldErrors, validationHook } from "../../lib/openapi";
import { FromRecordingBody, SegmentsImportBody, SubtitlesImportBody } from "./transcriptions.schemas";

/** The body shape a POST /transcriptions body means, told by the field only that shape has. */
function intendedShape(body: unknown): z.ZodType | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  if ("recordingId" in body) return FromRecordingBody;
  if ("segments" in body) return SegmentsImportBody;
  if ("format" in body || "content" in body) return SubtitlesImportBody;
  return null;
}

/**
 * A body matching none of the three shapes would get zod's bare "invalid input" for the union: instead the
 * problems are listed against the shape the body evidently meant, or the three shapes are named.
 */
export const createTranscriptionHook: typeof validationHook = (result, c) => {
  if (result.success || result.target !== "json") return validationHook(result, c);
  const shape = intendedShape(result.data);
  const outcome = shape?.safeParse(result.data);
  if (outcome && !outcome.success) {
    const errors = issuesToFieldErrors("json", outcome.error.issues as never, result.data);
    throw new ApiError("validation_error", "The request has invalid fields; see `errors`.", { errors });
  }
  throw new ApiError(
    "validation_error",
    'The body must be one of: `{ recordingId, language? }` to transcribe a recording, `{ segments, … }` to import segments, or `{ format: "vtt"|"srt", content, … }` to import subtitles.',
    { errors: [{ location: "body", message: "Expected recordingId, segments, or format and content" }] },
  );
};
