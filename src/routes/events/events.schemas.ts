import { z } from "@hono/zod-openapi";
import { EVENT_TYPES } from "../../services/events";
import { IdParam, Timestamp } from "../shared.schemas";

export const EventIdParam = IdParam("eventId", "evt_6yTq2Rk9mNb4Xc8Vw1Lp0S");

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: "evt_6yTq2Rk9mNb4Xc8Vw1Lp0S" }),
    type: z.enum(EVENT_TYPES),
    createdAt: Timestamp,
    data: z.record(z.string(), z.unknown()).openapi({
      description: "Thin payload: ids and small fields (the same `data` webhooks carry).",
      example: { meetingId: "mtg_3c1YwqN8dKp2Lm5RtZ7bVx", roomName: "/team-ab3xyz" },
    }),
  })
  .openapi("Event", { description: "Something that happened in the organization; kept 30 days." });
