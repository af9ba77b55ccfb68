import { z } from "@hono/zod-openapi";
import { IdParam, Timestamp } from "../shared.schemas";

export const ExportIdParam = IdParam("exportId", "exp_4Fq8Lm2Zx7Vb0Nc3Rt9Kd1");

export const ExportStartedSchema = z
  .object({
    exportId: z.string().openapi({ example: "exp_4Fq8Lm2Zx7Vb0Nc3Rt9Kd1" }),
    state: z.literal("in_progress"),
    createdAt: Timestamp,
  })
  .openapi("ExportStarted", {
    description: "A data export just requested: its job writes the document in the background.",
  });

export const ExportSchema = z
  .object({
    exportId: z.string().openapi({ example: "exp_4Fq8Lm2Zx7Vb0Nc3Rt9Kd1" }),
    state: z.enum(["in_progress", "ready", "failed"]),
    createdAt: Timestamp,
    completedAt: Timestamp.nullable(),
    sizeInBytes: z.number().int().nullable().openapi({ description: "Size of the JSON document once ready." }),
    accessLink: z.string().nullable().openapi({
      description:
        "While `ready`: a signed link (`/files/exports/…?token=…`, no API key) that downloads the document for one hour; GET the export again for a fresh one. Otherwise null.",
    }),
    expires: Timestamp.openapi({
      description: "When the export (document and record) is deleted: 7 days after it was asked for.",
    }),
  })
  .openapi("Export", {
    description:
      "A data export: one JSON document with every record of the organization, downloadable while `ready`, deleted after 7 days.",
  });
