import { z } from "@hono/zod-openapi";
import { TRANSCRIPT_FORMATS } from "../../services/transcript-export";
import { IMPORT_LIMITS } from "../../services/transcription-imports";
import { IdParam, Timestamp } from "../shared.schemas";

export const { maxSegments: MAX_SEGMENTS, maxText: MAX_SEGMENT_TEXT, maxSpeaker: MAX_SPEAKER } = IMPORT_LIMITS;

export const TranscriptionSchema = z
  .object({
    transcriptionId: z.string().openapi({ example: "trn_3Jd9kQw2Zp7Lm0Xc5Vb1Nr" }),
    recordingId: z.string().nullable(),
    meetingId: z.string().nullable(),
    roomName: z.string().nullable(),
    roomSessionId: z.string().nullable(),
    type: z.enum(["RECORDING_TRANSCRIPTION", "IMPORTED"]),
    state: z.enum(["in_progress", "ready", "failed"]),
    language: z.string().nullable().openapi({ example: "en" }),
    durationInSeconds: z.number().nullable().openapi({ example: 1834.52 }),
    segmentCount: z.number().int(),
    speakers: z.array(z.string()).openapi({
      description:
        "Display names (renames applied) in order of first appearance; labels renamed to the same name are listed once.",
      example: ["Alice", "Speaker 2"],
    }),
    error: z.string().nullable().openapi({ description: "Why the transcription failed; null unless `failed`." }),
    createdAt: Timestamp,
    startDate: Timestamp.nullable(),
    endDate: Timestamp.nullable(),
  })
  .openapi("Transcription", {
    description: "A transcript of a recording (AI, through a queue) or an imported one; absent values are `null`.",
  });

const language = z
  .string()
  .regex(/^[a-z]{2}$/, "Expected an ISO-639-1 code such as en")
  .optional()
  .openapi({ description: "ISO-639-1 code, e.g. `en`.", example: "en" });
const metadata = {
  meetingId: z.string().max(64).optional().openapi({ description: "A meeting of this organization." }),
  roomName: z.string().max(200).optional().openapi({ description: "Defaults to the meeting's room." }),
  language,
};

export const FromRecordingBody = z
  .strictObject({ recordingId: z.string().min(1).max(64), language })
  .openapi("TranscribeRecordingRequest", {
    description: "Transcribe a `ready` recording of this organization (needs the OpenAI provider).",
  });

export const Segment = z
  .strictObject({
    speaker: z.string().min(1).max(MAX_SPEAKER).openapi({ example: "Alice" }),
    start: z.number().min(0).openapi({ description: "Seconds from the start.", example: 0 }),
    end: z.number().min(0).openapi({ example: 4.2 }),
    text: z.string().max(MAX_SEGMENT_TEXT).openapi({ example: "Shall we start?" }),
  })
  .refine((s) => s.start <= s.end, { message: "end must not be before start", path: ["end"] });

export const SegmentsImportBody = z
  .strictObject({ segments: z.array(Segment).min(1).max(MAX_SEGMENTS), ...metadata })
  .openapi("ImportSegmentsRequest", {
    description: "Import a transcript as speaker segments (seconds from the start).",
  });

export const SubtitlesImportBody = z
  .strictObject({
    format: z.enum(["vtt", "srt"]),
    content: z.string().min(1).openapi({ description: "The WebVTT or SRT file's text." }),
    ...metadata,
  })
  .openapi("ImportSubtitlesRequest", {
    description: "Import a WebVTT or SRT file; voice tags or `Speaker: text` cues give the speaker.",
  });

export const CreateTranscriptionBody = z.union([FromRecordingBody, SegmentsImportBody, SubtitlesImportBody]);

export const TranscriptionIdParam = IdParam("transcriptionId", "trn_3Jd9kQw2Zp7Lm0Xc5Vb1Nr");

export const SORTS = [
  "createdAt:asc",
  "createdAt:desc",
  "startDate:asc",
  "startDate:desc",
  "durationInSeconds:asc",
  "durationInSeconds:desc",
] as const;

export const TranscriptQuery = z.strictObject({
  format: z.enum(TRANSCRIPT_FORMATS).default("json").openapi({ example: "md" }),
});

export const SpeakerRenames = z
  .record(z.string().min(1).max(MAX_SPEAKER), z.string().min(1).max(MAX_SPEAKER).nullable())
  .refine((renames) => Object.keys(renames).length <= 1000, "At most 1,000 renames")
  .openapi("SpeakerRenames", {
    description: "Raw label → display name (1–100 characters); `null` removes a rename.",
    example: { "Speaker 1": "Alice", "Speaker 2": null },
  });

const SpeakerInsights = z.object({
  speaker: z.string(),
  talkTimeSeconds: z.number(),
  talkTimePct: z.number(),
  wordCount: z.number().int(),
  wordsPerMinute: z.number().int(),
  longestMonologueSeconds: z.number(),
  monologueCount: z.number().int(),
  questionCount: z.number().int(),
  fillerWordCount: z.number().int(),
});

export const InsightsSchema = z
  .object({
    transcriptionId: z.string(),
    meeting: z.object({
      durationSeconds: z.number(),
      speakerCount: z.number().int(),
      questionCount: z.number().int(),
      silenceSeconds: z.number(),
      interruptionCount: z.number().int(),
    }),
    speakers: z.array(SpeakerInsights).openapi({ description: "Most talk time first." }),
  })
  .openapi("TranscriptInsights", {
    description:
      "Talk time, pace, monologues, questions and filler words per speaker, computed from the segments (free, deterministic).",
  });

export const BulkDeleteBody = z
  .strictObject({ transcriptionIds: z.array(z.string().min(1).max(64)).min(1).max(100) })
  .openapi("BulkDeleteTranscriptionsRequest", {
    description: "Transcriptions to delete in the background (unknown and other organizations' ids are ignored).",
  });

export const binary = z.any().openapi({ type: "string", format: "binary" });
