import { z } from "@hono/zod-openapi";

/** Every event type Parley emits (SPEC §8). */
export const EVENT_TYPES = [
  "meeting.created",
  "meeting.deleted",
  "meeting.expired",
  "recording.finished",
  "recording.deleted",
  "transcription.started",
  "transcription.finished",
  "transcription.failed",
  "summary.finished",
  "summary.failed",
  "room.client.joined",
  "room.client.left",
  "room.client.knocked",
  "room.client.knockCancelled",
  "room.session.started",
  "room.session.ended",
  "webhook.test",
  "webhook.disabled",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const id = (example: string) => z.string().openapi({ example });
const time = (example: string) => z.string().openapi({ format: "date-time", example });
const MEETING_ID = "mtg_3c1YwqN8dKp2Lm5RtZ7bVx";
const RECORDING_ID = "rec_7Hq2Lm5RtZ7bVx3c1YwqN8";
const TRANSCRIPTION_ID = "trn_9KpX4wLm2Qa7Rt5Zb1Vc8N";

const MeetingEventData = z
  .object({
    meetingId: id(MEETING_ID),
    roomName: id("/team-3f2a9c"),
    startDate: time("2026-11-21T15:00:00.000Z"),
    endDate: time("2026-11-21T16:00:00.000Z"),
  })
  .openapi("MeetingEventData", { description: "The meeting an event is about." });

const TranscriptionEventData = z.object({
  transcriptionId: id(TRANSCRIPTION_ID),
  recordingId: id(RECORDING_ID).nullable(),
});

const SummaryEventData = z.object({
  summaryId: id("sum_4Vc8N9KpX2wLm7Qa1Rt5Zb"),
  transcriptionId: id(TRANSCRIPTION_ID),
});

const Failure = { error: z.string().openapi({ example: "The AI provider did not answer in time." }) };

const RoomClientEventData = z
  .object({
    id: z.string().optional().openapi({ description: "The media plane's own event id, when it sent one." }),
    roomName: id("/team-3f2a9c"),
    participantId: id("p_81f2"),
    displayName: z.string().nullable().openapi({ example: "Alice" }),
    externalId: z.string().nullable().openapi({ example: "user-42" }),
    roleName: z.string().nullable().openapi({ example: "host" }),
    occurredAt: time("2026-11-21T15:02:11.000Z"),
  })
  .openapi("RoomClientEventData", { description: "A participant's presence event, as the media plane reported it." });

const RoomSession = {
  roomSessionId: id("ses_2Lm5RtZ7bVx3c1YwqN8dKp"),
  roomName: id("/team-3f2a9c"),
  startedAt: time("2026-11-21T15:02:40.000Z"),
};

/**
 * The `data` of each event type: what webhooks deliver and `GET /api/v1/events` returns (thin: ids and small
 * fields). Emitters are typed by it (`newEvent`) and the OpenAPI document's `webhooks` section is built from it.
 */
export const EVENT_DATA = {
  "meeting.created": MeetingEventData,
  "meeting.deleted": MeetingEventData,
  "meeting.expired": MeetingEventData,
  "recording.finished": z.object({
    recordingId: id(RECORDING_ID),
    meetingId: id(MEETING_ID).nullable(),
    roomName: id("/team-3f2a9c").nullable(),
    contentType: z.string().openapi({ example: "audio/wav" }),
    sizeInBytes: z.number().int().openapi({ example: 48_000_044 }),
  }),
  "recording.deleted": z.object({ recordingId: id(RECORDING_ID), meetingId: id(MEETING_ID).nullable() }),
  "transcription.started": TranscriptionEventData,
  "transcription.finished": TranscriptionEventData.extend({
    durationInSeconds: z.number().openapi({ example: 1834.2 }),
    segmentCount: z.number().int().openapi({ example: 412 }),
  }),
  "transcription.failed": TranscriptionEventData.extend(Failure),
  "summary.finished": SummaryEventData,
  "summary.failed": SummaryEventData.extend(Failure),
  "room.client.joined": RoomClientEventData,
  "room.client.left": RoomClientEventData,
  "room.client.knocked": RoomClientEventData,
  "room.client.knockCancelled": RoomClientEventData,
  "room.session.started": z.object(RoomSession),
  "room.session.ended": z.object({
    ...RoomSession,
    endedAt: time("2026-11-21T15:58:03.000Z").nullable(),
    mergedInto: id("ses_9KpX4wLm2Qa7Rt5Zb1Vc8N")
      .optional()
      .openapi({
        description:
          "Present when a late event merged this session into an earlier one: the surviving roomSessionId. " +
          "This session no longer exists; `endedAt` is its last known end (or its start).",
      }),
  }),
  "webhook.test": z.object({
    webhookId: id("whk_5RtZ7bVx3c1YwqN8dKp2Lm"),
    message: z.string().openapi({ example: "Hello from Parley" }),
  }),
  "webhook.disabled": z.object({
    webhookId: id("whk_5RtZ7bVx3c1YwqN8dKp2Lm"),
    url: z.string().openapi({ example: "https://example.com/parley/webhooks" }),
    reason: z.enum(["gone", "failing"]).openapi({
      description: "`gone`: the endpoint answered 410; `failing`: it failed continuously for 5 days.",
    }),
    failingSince: time("2026-11-16T09:12:00.000Z"),
  }),
} as const satisfies Record<EventType, z.ZodObject>;

/** The `data` of an event of type `T`. */
export type EventData<T extends EventType = EventType> = z.infer<(typeof EVENT_DATA)[T]>;
