import { z } from "@hono/zod-openapi";
import { ROOM_SORTS } from "../../services/room-insights";
import { Timestamp } from "../shared.schemas";

/** Insights lists page like every list (SPEC §1) but default to 10 rows, as Whereby's do. */
export const InsightsListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10).openapi({ description: "Page size, 1–100.", example: 10 }),
  cursor: z.string().max(512).optional().openapi({ description: "Opaque cursor from the previous page's `cursor`." }),
});

export const RoomsInsightsQuery = InsightsListQuery.extend({
  roomName: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "Room name prefix, e.g. `/team`.", example: "/team" }),
  "createdAt[from]": z.iso.datetime({ offset: true }).optional().openapi({ description: "Rooms created at or after." }),
  "createdAt[to]": z.iso.datetime({ offset: true }).optional().openapi({ description: "Rooms created at or before." }),
  sortBy: z.enum(ROOM_SORTS).optional().openapi({ description: "Default `createdAt:desc`." }),
});

export const SessionsInsightsQuery = InsightsListQuery.extend({
  roomName: z.string().min(1).max(200).openapi({ example: "/team-3f2a9c" }),
});

export const ParticipantsInsightsQuery = InsightsListQuery.extend({
  roomSessionId: z.string().min(1).max(64).optional(),
  externalId: z.string().min(1).max(255).optional(),
}).refine((q) => q.roomSessionId !== undefined || q.externalId !== undefined, {
  message: "Give roomSessionId or externalId",
  path: ["roomSessionId"],
});

const minutes = (description: string) => z.number().openapi({ description, example: 42.5 });

export const RoomInsightsSchema = z
  .object({
    roomName: z.string().openapi({ example: "/team-3f2a9c" }),
    createdAt: Timestamp,
    endAt: Timestamp.nullable().openapi({ description: "The meeting's endDate." }),
    firstSessionStartedAt: Timestamp.nullable(),
    lastSessionStartedAt: Timestamp.nullable(),
    totalParticipantMinutes: minutes(
      "Minutes people were present (join to leave, or to now), over the room's history.",
    ),
    totalUniqueParticipants: z.number().int(),
    totalSessions: z.number().int(),
    totalRecorderMinutes: minutes("Minutes of participants with roleName `recorder`."),
    totalStreamerMinutes: minutes("Minutes of participants with roleName `streamer`."),
    totalUniqueRecorders: z.number().int(),
    totalUniqueStreamers: z.number().int(),
  })
  .openapi("RoomInsights", { description: "A room's totals over its whole history (Whereby's field names)." });

export const RoomSessionInsightsSchema = z
  .object({
    roomSessionId: z.string().openapi({ example: "ses_4Kp9Qw2Zr7Lm1Xc5Vb8Nd3" }),
    roomName: z.string(),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable().openapi({ description: "`null` while the end is not yet certain." }),
    totalParticipantMinutes: minutes("Presence clipped to startedAt…endedAt."),
    totalUniqueParticipants: z.number().int(),
  })
  .openapi("RoomSessionInsights", {
    description:
      "One session of a room: from the second participant's join until fewer than two remained for 2 minutes.",
  });

export const ParticipantInsightsSchema = z
  .object({
    roomSessionId: z
      .string()
      .nullable()
      .openapi({ description: "`null` for a join outside any session (alone in the room)." }),
    participantId: z.string(),
    displayName: z.string().nullable(),
    externalId: z.string().nullable(),
    roleName: z.string().nullable(),
    joinedAt: Timestamp,
    leftAt: Timestamp.nullable(),
  })
  .openapi("ParticipantInsights", { description: "One join of a participant in a room session." });
