import type { z } from "zod";

export function logQueueError(queue: string, fields: Record<string, unknown>) {
  console.error(JSON.stringify({ level: "error", queue, ...fields }));
}

/**
 * The batch's messages that match `schema`, with their parsed bodies. A message that does not
 * parse can never succeed, so it is logged and acknowledged rather than retried.
 */
export function parseBatch<S extends z.ZodType>(
  batch: MessageBatch<unknown>,
  schema: S,
): { message: Message<unknown>; body: z.infer<S> }[] {
  const parsed: { message: Message<unknown>; body: z.infer<S> }[] = [];
  for (const message of batch.messages) {
    const result = schema.safeParse(message.body);
    if (result.success) parsed.push({ message, body: result.data });
    else {
      logQueueError(batch.queue, { messageId: message.id, problem: "unparseable message" });
      message.ack();
    }
  }
  return parsed;
}
