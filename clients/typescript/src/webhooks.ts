import { Webhook } from "standardwebhooks";
import type { webhooks } from "./generated/schema.js";

/** Every event type Parley delivers (the OpenAPI document's `webhooks` section). */
export type WebhookEventType = keyof webhooks;
/** The payload of a delivery of type `T`: `{ type, timestamp, data }` with that type's `data`. */
export type WebhookEventOf<T extends WebhookEventType> =
  webhooks[T]["post"]["requestBody"]["content"]["application/json"];
/** Any delivery; narrow it with `switch (event.type)`. */
export type WebhookEvent = { [T in WebhookEventType]: WebhookEventOf<T> }[WebhookEventType];

export { WebhookVerificationError } from "standardwebhooks";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function headerRecord(headers: HeaderSource): Record<string, string> {
  const record: Record<string, string> = {};
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    (headers as Headers).forEach((value, name) => {
      record[name.toLowerCase()] = value;
    });
    return record;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value !== undefined) record[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return record;
}

/**
 * Verifies a delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp` within 5 minutes,
 * `webhook-signature`) against the endpoint's `whsec_…` secret and returns the typed event. Pass the raw body
 * exactly as received (not re-serialised JSON). During a rotation pass both secrets: either may sign.
 * Throws `WebhookVerificationError` when no secret matches.
 */
export function verifyWebhook(
  payload: string,
  headers: HeaderSource,
  secret: string | readonly string[],
): WebhookEvent {
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secrets.length === 0) throw new TypeError("verifyWebhook: no secret given");
  const record = headerRecord(headers);
  let failure: unknown;
  for (const candidate of secrets) {
    try {
      return new Webhook(candidate).verify(payload, record) as WebhookEvent;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}
