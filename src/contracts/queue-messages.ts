import { z } from "zod";

/**
 * Messages on the `webhooks` queue, versioned so old messages still parse: `events.v1` carries
 * emitted event ids to fan out; `delivery.v1` asks for one attempt of one delivery. `notBefore`
 * chains waits longer than a queue delay allows (12 h).
 */
export const WebhookQueueMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("events.v1"), eventIds: z.array(z.string()).min(1).max(1000) }),
  z.object({
    kind: z.literal("delivery.v1"),
    deliveryId: z.string(),
    attempt: z.number().int().min(1),
    notBefore: z.number().int().optional(),
  }),
]);
export type WebhookQueueMessage = z.infer<typeof WebhookQueueMessage>;
export type DeliveryMessage = Extract<WebhookQueueMessage, { kind: "delivery.v1" }>;

/** Messages on the `ai-jobs` queue. */
export const AiJobMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("transcription.v1"), transcriptionId: z.string(), orgId: z.string() }),
  z.object({ kind: z.literal("summary.v1"), summaryId: z.string(), orgId: z.string() }),
]);
export type AiJobMessage = z.infer<typeof AiJobMessage>;
export type SummaryJobMessage = Extract<AiJobMessage, { kind: "summary.v1" }>;

/** One audit-log row (SPEC §9) as it travels when D1 refused it at request time: ids and codes, no personal data. */
export const AuditRecordMessage = z.object({
  id: z.string(),
  orgId: z.string(),
  keyId: z.string().nullable(),
  memberId: z.string().nullable(),
  actorType: z.enum(["api", "dashboard", "operator"]),
  method: z.string(),
  route: z.string(),
  objectId: z.string().nullable(),
  status: z.number().int(),
  requestId: z.string(),
  createdAt: z.number().int(),
});
export type AuditRecordMessage = z.infer<typeof AuditRecordMessage>;

/** Messages on the `storage-jobs` queue: background work on stored objects (and audit rows D1 refused at first). */
export const StorageJobMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("recordings.delete.v1"), orgId: z.string(), recordingIds: z.array(z.string()).max(100) }),
  z.object({ kind: z.literal("recordings.checksum.v1"), orgId: z.string(), recordingId: z.string() }),
  z.object({
    kind: z.literal("transcriptions.delete.v1"),
    orgId: z.string(),
    transcriptionIds: z.array(z.string()).max(100),
  }),
  /** Advances the purge of a cancelled organization; the consumer sends it again until the purge is done. */
  z.object({ kind: z.literal("organization.purge.v1"), orgId: z.string() }),
  /** One bounded run of an erasure job; it re-enqueues itself until the erasure is `ready`. */
  z.object({ kind: z.literal("erasure.run.v1"), orgId: z.string(), erasureId: z.string() }),
  z.object({ kind: z.literal("audit.write.v1"), records: z.array(AuditRecordMessage).min(1).max(100) }),
  /** One invocation of an export's writer; `step` numbers invocations, so a redelivered one is recognised. */
  z.object({
    kind: z.literal("exports.write.v1"),
    orgId: z.string(),
    exportId: z.string(),
    step: z.number().int().min(0),
  }),
]);
export type StorageJobMessage = z.infer<typeof StorageJobMessage>;
