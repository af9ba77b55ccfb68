import { z } from "zod";

/** Messages on the `webhooks` queue: one per emitted event, versioned so old messages still parse. */
export const WebhookQueueMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("event.v1"), eventId: z.string(), orgId: z.string() }),
]);
export type WebhookQueueMessage = z.infer<typeof WebhookQueueMessage>;

/** Messages on the `ai-jobs` queue. */
export const AiJobMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("transcription.v1"), transcriptionId: z.string(), orgId: z.string() }),
]);
export type AiJobMessage = z.infer<typeof AiJobMessage>;
