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
