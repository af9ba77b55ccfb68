import { z } from "@hono/zod-openapi";

export const binary = z.any().openapi({ type: "string", format: "binary" });

export const LogoIdParam = z.object({
  logoId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "logoId", in: "path" } }),
});

export const RecordingFileParam = z.object({
  recordingId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "recordingId", in: "path" } }),
});

export const FileTokenQuery = z.strictObject({ token: z.string().min(1).max(1024) });

export const TranscriptFileParam = z.object({
  transcriptionId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "transcriptionId", in: "path" } }),
});

export const ExportFileParam = z.object({
  exportId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "exportId", in: "path" } }),
});
