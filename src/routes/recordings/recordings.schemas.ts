import { z } from "@hono/zod-openapi";
import { MAX_PARTS } from "../../services/recording-uploads";
import { RECORDING_TYPES } from "../../storage/media-types";
import { Timestamp } from "../shared.schemas";

const dateTime = z.iso.datetime({ offset: true });

export const RecordingSchema = z
  .object({
    recordingId: z.string().openapi({ example: "rec_8Jd2kQw9Zp3Lm0Xc5Vb7Nr" }),
    meetingId: z.string().nullable(),
    roomName: z.string().nullable(),
    roomSessionId: z.string().nullable(),
    filename: z.string().openapi({ example: "standup.webm" }),
    contentType: z.string().openapi({ example: "video/webm" }),
    sizeInBytes: z.number().int(),
    sizeInMegaBytes: z.number().openapi({ description: "sizeInBytes / 1,000,000, two decimals." }),
    sha256: z.string().nullable().openapi({
      description:
        "Hex SHA-256 of the file. Computed while a direct upload streams in; for multipart uploads it is filled in shortly after completion.",
    }),
    startDate: Timestamp.nullable(),
    endDate: Timestamp.nullable(),
    durationInSeconds: z.number().int().nullable(),
    status: z.enum(["uploading", "ready"]),
    createdAt: Timestamp,
  })
  .openapi("Recording", { description: "A recording stored in R2: uploaded directly or through a multipart upload." });

export const MetadataFields = {
  meetingId: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "A meeting of this organization (also an ended one)." }),
  roomName: z.string().max(200).optional().openapi({ description: "Defaults to the meeting's room." }),
  roomSessionId: z.string().max(100).optional(),
  startDate: dateTime.optional(),
  endDate: dateTime.optional(),
};

export const UploadQuery = z.strictObject({
  filename: z.string().min(1).max(255).optional().openapi({ example: "standup.webm" }),
  ...MetadataFields,
});

export const CreateUploadBody = z
  .strictObject({
    filename: z.string().min(1).max(255),
    contentType: z.enum([...RECORDING_TYPES.keys()] as [string, ...string[]]),
    ...MetadataFields,
  })
  .openapi("CreateUploadRequest", { description: "Starts a multipart upload (files up to 5 GB)." });

export const UploadSchema = z
  .object({
    uploadId: z.string().openapi({ example: "upl_2Hc9Tq4Lm7Zx0Vb3Nd8Rk1" }),
    recordingId: z.string(),
    partSize: z.number().int().openapi({ description: "Every part but the last must be exactly this many bytes." }),
  })
  .openapi("Upload", { description: "A multipart upload in progress: PUT its parts, then complete or abort it." });

export const CompleteUploadBody = z
  .strictObject({
    parts: z
      .array(z.strictObject({ partNumber: z.number().int().min(1).max(MAX_PARTS), etag: z.string().min(1).max(200) }))
      .min(1)
      .max(MAX_PARTS)
      .openapi({ description: `Every uploaded part, 1…n in order (at most ${MAX_PARTS}).` }),
  })
  .openapi("CompleteUploadRequest", { description: "Every uploaded part with its `etag`, to assemble the recording." });

export const RecordingIdParam = z.object({
  recordingId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "recordingId", in: "path" } }),
});

export const SORTS = [
  "createdAt:asc",
  "createdAt:desc",
  "startDate:asc",
  "startDate:desc",
  "sizeInMegaBytes:asc",
  "sizeInMegaBytes:desc",
] as const;

export const binary = z.any().openapi({ type: "string", format: "binary" });

export const AccessLinkQuery = z.strictObject({
  validForSeconds: z.coerce.number().int().min(1).max(43_200).default(3_600).openapi({ example: 3600 }),
});

export const AccessLinkSchema = z
  .object({
    accessLink: z.string(),
    expires: z.number().int().openapi({ description: "Epoch milliseconds." }),
  })
  .openapi("AccessLink", { description: "A signed, expiring link served by Parley itself (no API key needed)." });
