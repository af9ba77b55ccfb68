import { z } from "@hono/zod-openapi";
import { MEETING_FIELDS } from "../../services/meetings";
import { Timestamp } from "../shared.schemas";

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const RecordingSchema = z
  .strictObject({
    type: z.enum(["none", "local", "cloud"]),
    startTrigger: z
      .enum(["none", "prompt", "automatic", "automatic-2nd-participant"])
      .optional()
      .openapi({ description: "Defaults to `none`. Only `none` is allowed with `type: none`." }),
  })
  .openapi("RecordingSettings", { description: "How the meeting's room records." });

export const MeetingFieldSchema = z.enum(MEETING_FIELDS);

export const CreateMeetingBody = z
  .strictObject({
    // Checked on the field itself, so the problem is listed even when other fields fail too.
    endDate: z.iso
      .datetime({ offset: true })
      .superRefine((value, ctx) => {
        const end = Date.parse(value);
        const now = Date.now();
        if (end <= now) ctx.addIssue({ code: "custom", message: "Must be in the future" });
        if (end > now + YEAR_MS) ctx.addIssue({ code: "custom", message: "Must be at most one year ahead" });
      })
      .openapi({
        description:
          "When the meeting ends (ISO 8601; an offset is normalised to UTC). Not in the past, at most one year ahead. The room stays usable until one hour after it.",
        example: "2026-11-21T17:00:00+01:00",
      }),
    isLocked: z.boolean().optional().openapi({ description: "Knock to enter. Default false." }),
    roomMode: z.enum(["normal", "group"]).optional().openapi({ description: "Default `normal`." }),
    roomNamePrefix: z
      .string()
      .max(39)
      .regex(/^[A-Za-z0-9-]*$/, "Only letters, digits and hyphens")
      .optional()
      .openapi({
        description: "Lowercased; `[a-z0-9-]`, ≤ 39 characters. The room name is `/<prefix>-<suffix>`.",
        example: "team",
      }),
    roomNamePattern: z
      .enum(["uuid", "human-short"])
      .optional()
      .openapi({ description: "`uuid` (default) or `human-short`: 6 characters that cannot be confused." }),
    templateType: z.literal("viewerMode").optional().openapi({
      description: "A locked group room that always returns `hostRoomUrl` and `viewerRoomUrl`.",
    }),
    fields: z
      .array(MeetingFieldSchema)
      .max(2)
      .optional()
      .openapi({ description: "Extra fields to include. `viewerRoomUrl` applies to group rooms only." }),
    recording: RecordingSchema.optional(),
    metadata: z.string().max(1000).optional().openapi({ description: "Returned as given.", example: "booking-4711" }),
  })
  .superRefine((body, ctx) => {
    if (body.templateType === "viewerMode") {
      if (body.roomMode === "normal") {
        ctx.addIssue({ code: "custom", path: ["roomMode"], message: "viewerMode rooms are group rooms" });
      }
      if (body.isLocked === false) {
        ctx.addIssue({ code: "custom", path: ["isLocked"], message: "viewerMode rooms are locked" });
      }
    }
    if (body.recording?.type === "none" && (body.recording.startTrigger ?? "none") !== "none") {
      ctx.addIssue({ code: "custom", path: ["recording", "startTrigger"], message: "Needs a recording type" });
    }
  })
  .openapi("CreateMeetingRequest", { description: "A transient room (Whereby-compatible field names)." });

export const MeetingSchema = z
  .object({
    meetingId: z.string().openapi({ example: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx" }),
    roomName: z.string().openapi({ example: "/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f" }),
    roomUrl: z.string().openapi({ example: "https://meet.parley.dev/team-3f2a9c1e-8d4b-4b7a-9e2f-1c6d5a4b3e2f" }),
    startDate: Timestamp,
    endDate: Timestamp,
    isLocked: z.boolean(),
    roomMode: z.enum(["normal", "group"]),
    recording: z.object({
      type: z.enum(["none", "local", "cloud"]),
      startTrigger: z.enum(["none", "prompt", "automatic", "automatic-2nd-participant"]),
    }),
    metadata: z.string().nullable(),
    createdAt: Timestamp,
    hostRoomUrl: z
      .string()
      .optional()
      .openapi({ description: "`roomUrl?roomKey=…`; only when asked (or viewerMode)." }),
    viewerRoomUrl: z
      .string()
      .optional()
      .openapi({ description: "`roomUrl?viewerKey=…`; group rooms, only when asked (or viewerMode)." }),
  })
  .openapi("Meeting", { description: "A transient room, usable until one hour after `endDate`." });

export const FieldsQuery = z.strictObject({
  fields: z
    .union([z.string().max(200), z.array(z.string().max(200)).max(10)])
    .optional()
    .openapi({
      description: "Comma-separated or repeated (at most 10 times): `hostRoomUrl`, `viewerRoomUrl`.",
      example: "hostRoomUrl",
    }),
});

export const MeetingIdParam = z.object({
  meetingId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "meetingId", in: "path" }, example: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx" }),
});
