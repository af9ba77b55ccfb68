import { z } from "@hono/zod-openapi";
import { IdParam, Timestamp } from "../shared.schemas";

const subjectValue = (max: number, example: string, description: string) =>
  z.string().trim().min(1).max(max).optional().openapi({ description, example });

export const CreateErasureBody = z
  .strictObject({
    externalId: subjectValue(255, "user-42", "Matched exactly (as given to `POST /room-events`)."),
    displayName: subjectValue(
      255,
      "Ada Lovelace",
      "Matched case-insensitively, as a whole name (not inside a longer word).",
    ),
    email: subjectValue(320, "ada@example.com", "Matched case-insensitively, as a whole address."),
  })
  .superRefine((body, ctx) => {
    const given = Object.values(body).filter((value) => value !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `Give exactly one of externalId, displayName or email (${given} given)`,
      });
    }
  })
  .openapi("CreateErasureRequest", { description: "Exactly one of `externalId`, `displayName`, `email`." });

const Count = z.number().int();

export const ErasureSchema = z
  .object({
    erasureId: z.string().openapi({ example: "era_4Tq8Lm2Xc9Vb7Nr1Zp3Jd0" }),
    state: z.enum(["in_progress", "ready", "failed"]),
    subject: z
      .object({
        field: z.enum(["externalId", "displayName", "email"]),
        sha256: z.string().openapi({
          description: "Hex SHA-256 of the trimmed, lowercased value: the value itself is never returned.",
          example: "5d41402abc4b2a76b9719d911017c592a0d4d1cbe4e7a4b9fa7b0c0c6a8a4a9e",
        }),
      })
      .openapi("ErasureSubject", {
        description:
          "Who is erased, never in clear: the field named and the hex SHA-256 of its trimmed, lowercased value.",
      }),
    counts: z
      .object({
        participants: Count.openapi({ description: "Room participants (one per join) replaced." }),
        transcriptSegments: Count.openapi({ description: "Transcript segments spoken by or mentioning the subject." }),
        speakerNames: Count.openapi({ description: "Speaker renames removed (to the subject) or redacted." }),
        aiResults: Count.openapi({ description: "Cached AI generations deleted." }),
        summaries: Count.openapi({ description: "Summaries deleted." }),
        recordings: Count.openapi({ description: "Recordings whose metadata (file name) was redacted." }),
        members: Count.openapi({ description: "Dashboard members removed (their sessions end with them)." }),
        ownersKept: Count.openapi({
          description:
            "Dashboard members kept because they are the organization's last owner: their name is redacted, their email (how they sign in) is kept.",
        }),
        invitations: Count.openapi({ description: "Dashboard invitations to the subject's email deleted." }),
      })
      .openapi("ErasureCounts", { description: "What was erased so far (final once `ready`)." }),
    completedAt: Timestamp.nullable(),
  })
  .openapi("Erasure", {
    description: "An erasure request (right to be forgotten) and what its job removed or redacted.",
  });

export const ErasureIdParam = IdParam("erasureId", "era_4Tq8Lm2Xc9Vb7Nr1Zp3Jd0");
