import { z } from "zod";

/** Messages on the `webhooks` queue: batches of emitted event ids, versioned so old messages still parse. */
export const WebhookQueueMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("events.v1"), eventIds: z.array(z.string()).min(1).max(1000) }),
]);
export type WebhookQueueMessage = z.infer<typeof WebhookQueueMessage>;

/** Messages on the `ai-jobs` queue. */
export const AiJobMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("transcription.v1"), transcriptionId: z.string(), orgId: z.string() }),
]);
export type AiJobMessage = z.infer<typeof AiJobMessage>;

/** Messages on the `storage-jobs` queue: background work on stored objects. */
export const StorageJobMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("recordings.delete.v1"), orgId: z.string(), recordingIds: z.array(z.string()).max(100) }),
  z.object({ kind: z.literal("recordings.checksum.v1"), orgId: z.string(), recordingId: z.string() }),
]);
export type StorageJobMessage = z.infer<typeof StorageJobMessage>;
