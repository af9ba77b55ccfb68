import { z } from "@hono/zod-openapi";
import { EVENT_DATA, EVENT_TYPES, type EventType } from "../contracts/events";
import type { AppRouter } from "./openapi";

/** `room.client.knockCancelled` → `RoomClientKnockCancelled`. */
const pascalCase = (type: string) =>
  type
    .split(".")
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join("");

const DELIVERY = `Delivered as a Standard Webhooks POST: \`webhook-id\` (the event id, the same on every retry),
\`webhook-timestamp\` and \`webhook-signature\` (\`v1,<base64 HMAC-SHA256 of "id.timestamp.body">\`, space-separated
when two secrets sign during a rotation). Verify with any Standard Webhooks verifier and the endpoint's \`whsec_\`
secret. Any 2xx within 15 s acknowledges it; otherwise it is retried with jitter after 5 s, 5 min, 30 min, 2 h, 5 h,
10 h and 10 h; \`410 Gone\` disables the endpoint at once; \`Retry-After\` is honoured.`;

const WebhookHeaders = z.object({
  "webhook-id": z
    .string()
    .openapi({ description: "The event id; the same on every retry.", example: "evt_6yTq2Rk9mNb4Xc8Vw1Lp0S" }),
  "webhook-timestamp": z
    .string()
    .openapi({ description: "Unix seconds when this attempt was signed.", example: "1795273200" }),
  "webhook-signature": z.string().openapi({ example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=" }),
  "user-agent": z.string().openapi({ example: "Parley-Webhooks/1" }),
});

/** The payload of one event type: `{ type, timestamp, data }` with that type's `data`. */
function webhookPayload<T extends EventType>(type: T) {
  return z
    .object({
      type: z.literal(type),
      timestamp: z.string().openapi({ format: "date-time", description: "When the event happened." }),
      data: EVENT_DATA[type],
    })
    .openapi(`${pascalCase(type)}Event`, { description: `The payload of a \`${type}\` webhook delivery.` });
}

/** One OpenAPI 3.1 `webhooks` entry per event type (SPEC §8), each with its payload schema. */
export function registerWebhooks(app: AppRouter) {
  for (const type of EVENT_TYPES) {
    app.openAPIRegistry.registerWebhook({
      method: "post",
      path: type,
      operationId: `${pascalCase(type).replace(/^./, (c) => c.toLowerCase())}Webhook`,
      tags: ["Webhooks"],
      summary: `\`${type}\``,
      description: DELIVERY,
      request: {
        headers: WebhookHeaders,
        body: { required: true, content: { "application/json": { schema: webhookPayload(type) } } },
      },
      responses: {
        200: { description: "Any 2xx acknowledges the delivery." },
        410: { description: "Gone: the endpoint is disabled at once." },
      },
    });
  }
}
