export {
  createParleyClient,
  type ListItem,
  type ListPath,
  type PageInit,
  type ParleyClient,
  type ParleyClientOptions,
} from "./client.js";
export { type FieldError, ParleyError, type Problem, type ProblemCode } from "./errors.js";
export type { components, operations, paths, webhooks } from "./generated/schema.js";
export { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
export {
  verifyWebhook,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
  WebhookVerificationError,
} from "./webhooks.js";

import type { components } from "./generated/schema.js";

/** Parley's main objects, by their OpenAPI names. */
export type Meeting = components["schemas"]["Meeting"];
export type Recording = components["schemas"]["Recording"];
export type Transcription = components["schemas"]["Transcription"];
export type Summary = components["schemas"]["Summary"];
export type Webhook = components["schemas"]["Webhook"];
export type Event = components["schemas"]["Event"];
