import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES, WEBHOOK_STATUSES } from "../../db/schema";
import { checkWebhookUrl } from "../../lib/webhook-url";
import { EVENT_TYPES } from "../../services/events";
import { IdParam, Timestamp } from "../shared.schemas";

export const WebhookIdParam = IdParam("webhookId", "whk_2Hn8Qv5LpW0xRt7Ky3Mb9Z");

const EventFilter = z
  .array(
    z.union([z.literal("*"), z.enum(EVENT_TYPES)], {
      error: `Unknown event type; expected "*" or one of ${EVENT_TYPES.join(", ")}`,
    }),
  )
  .min(1)
  .max(EVENT_TYPES.length)
  .refine((events) => !events.includes("*") || events.length === 1, { message: '"*" must be the only entry' })
  .openapi({
    description: 'Event types to receive, or `["*"]` for all.',
    example: ["meeting.created", "recording.finished"],
  });

// The rules that hold in every environment are checked here, so a bad URL is listed with the other
// problems; the loopback exception for local development is decided by the service, which knows the env.
const Url = z
  .string()
  .min(1)
  .max(2048)
  .superRefine((url, ctx) => {
    const check = checkWebhookUrl(url, { allowInsecure: true });
    if (!check.ok) ctx.addIssue({ code: "custom", message: check.reason });
  })
  .openapi({
    description:
      "`https` only; no credentials; no loopback, private, link-local, CGNAT, multicast, reserved or metadata addresses in any spelling. Plain `http` to loopback only when `ALLOW_INSECURE_WEBHOOKS=true` (local development).",
    example: "https://example.com/webhooks/parley",
  });

const Description = z.string().max(500);

export const WebhookSchema = z
  .object({
    id: z.string().openapi({ example: "whk_2Hn8Qv5LpW0xRt7Ky3Mb9Z" }),
    url: z.string().openapi({ example: "https://example.com/webhooks/parley" }),
    events: z.array(z.string()).openapi({ example: ["*"] }),
    description: z.string().nullable(),
    status: z.enum(WEBHOOK_STATUSES),
    disabledReason: z.string().nullable().openapi({
      description:
        "Why Parley disabled it: `gone` (the endpoint answered 410) or `failing` (5 days without a success).",
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Webhook", { description: "An endpoint that receives events, signed per Standard Webhooks." });

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description: "Signing secret (`whsec_` + base64 of 32 bytes). Shown only when created or rotated.",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("WebhookWithSecret", {
  description: "A webhook endpoint with its signing secret, shown only when created.",
});

export const RotatedWebhookSchema = WebhookWithSecretSchema.extend({
  previousSecretExpiresAt: Timestamp.nullable().openapi({ description: "Until then the previous secret signs too." }),
}).openapi("RotatedWebhook", {
  description: "A webhook endpoint with its new signing secret; the previous one also signs for 24 h.",
});

export const CreateWebhookBody = z
  .strictObject({ url: Url, events: EventFilter, description: Description.optional() })
  .openapi("CreateWebhookRequest", { description: "A new webhook endpoint: its URL and the event types it receives." });

export const UpdateWebhookBody = z
  .strictObject({
    url: Url.optional(),
    events: EventFilter.optional(),
    description: Description.nullable().optional(),
    status: z.enum(WEBHOOK_STATUSES).optional().openapi({ description: "Enabling clears a failing streak." }),
  })
  .openapi("UpdateWebhookRequest", { description: "Changes to a webhook endpoint; only the fields sent change." });

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ example: "dlv_0f8e2c6b4a1d4e7f9a3b5c7d9e1f2a4b" }),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.string().openapi({ example: "meeting.created" }),
    attempt: z.number().int().openapi({ description: "Attempts made so far (1–8); 0 before the first." }),
    status: z.enum(DELIVERY_STATUSES),
    responseStatus: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    nextAttemptAt: Timestamp.nullable().openapi({ description: "When a pending delivery is tried again." }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("WebhookDelivery", { description: "One event's delivery to one endpoint, with its latest attempt." });

export const TestSentSchema = z
  .object({ eventId: z.string(), deliveryId: z.string() })
  .openapi("WebhookTestSent", { description: "The `webhook.test` event and its queued delivery." });

export const RedeliverBody = z
  .strictObject({
    webhookId: z.string().max(64).optional().openapi({
      description:
        "Only to this endpoint (it need not subscribe to the type). Default: every enabled endpoint that does.",
    }),
  })
  .openapi("RedeliverRequest", {
    description: "Where to send the event again (default: every enabled endpoint subscribed to its type).",
  });

export const RedeliveredSchema = z
  .object({
    eventId: z.string(),
    deliveries: z.array(z.object({ id: z.string(), webhookId: z.string() })),
  })
  .openapi("Redelivered", { description: "The new deliveries of a re-sent event." });
