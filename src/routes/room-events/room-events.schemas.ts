import { z } from "@hono/zod-openapi";

const text = (max: number) => z.string().min(1).max(max);

export const RoomEventSchema = z
  .strictObject({
    id: text(255).optional().openapi({
      description:
        "Your id for the event; a repeat is a duplicate. Without it, the same type, roomName, participantId and occurredAt is.",
      example: "evt-0192-7a1c",
    }),
    type: z.enum(["room.client.joined", "room.client.left", "room.client.knocked", "room.client.knockCancelled"]),
    roomName: text(200).openapi({
      description: "A room of this organization, with its leading slash.",
      example: "/team-3f2a9c",
    }),
    participantId: text(255).openapi({ example: "prt_81f3" }),
    displayName: z.string().max(255).optional().openapi({ example: "Ada" }),
    externalId: z.string().max(255).optional().openapi({ example: "user-42" }),
    roleName: z.string().max(64).optional().openapi({
      description: "`recorder` and `streamer` are counted apart and never make a session.",
      example: "member",
    }),
    occurredAt: z.iso.datetime({ offset: true }).openapi({ example: "2026-11-21T16:00:00.000Z" }),
  })
  .openapi("RoomEvent", { description: "A participant's presence event in a room, as the media plane reports it." });

export const RoomEventsBody = z
  .strictObject({ events: z.array(RoomEventSchema).min(1).max(500) })
  .openapi("RoomEventsRequest", { description: "A batch of 1–500 room events, accepted whole or refused whole." });

export const RoomEventsResult = z
  .object({
    accepted: z.number().int().openapi({ description: "Events stored now.", example: 2 }),
    duplicates: z
      .number()
      .int()
      .openapi({ description: "Events already stored (or repeated in this batch).", example: 0 }),
  })
  .openapi("RoomEventsResult", {
    description: "How many events were new and how many were repeats of events already stored.",
  });
