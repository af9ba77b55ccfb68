import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const WEBHOOK_STATUSES = ["enabled", "disabled"] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    url: text("url").notNull(),
    /** Event types, or `["*"]` for all. */
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description"),
    status: text("status").$type<WebhookStatus>().notNull(),
    /** Why Parley disabled it (`gone`: a 410; `failing`: 5 days of failures); null when enabled or disabled by hand. */
    disabledReason: text("disabled_reason"),
    /** Encrypted at rest (`v1.<keyId>.<iv>.<ciphertext>`, see lib/secrets-at-rest.ts); never plaintext once re-encrypted. */
    secret: text("secret").notNull(),
    /** After a rotation the old secret (encrypted too) keeps signing until `previous_secret_expires_at`. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at"),
    /** Start of the current run of failed attempts; cleared by any success. */
    failingSince: integer("failing_since"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("webhook_endpoints_org_created_idx").on(t.orgId, t.createdAt, t.id),
    // The re-encryption sweep finds secrets not under the current key by range, without a table scan.
    index("webhook_endpoints_secret_idx").on(t.secret),
    index("webhook_endpoints_previous_secret_idx").on(t.previousSecret).where(sql`previous_secret IS NOT NULL`),
  ],
);

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event sent to one endpoint: updated in place as attempts are made. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** 0 for the fan-out; each redelivery of the event to the endpoint takes the next number. */
    round: integer("round").notNull().default(0),
    /** Attempts made so far (0 until the first one). */
    attempt: integer("attempt").notNull().default(0),
    status: text("status").$type<DeliveryStatus>().notNull(),
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms"),
    error: text("error"),
    /** When the next attempt is due; the sweeper re-enqueues pending deliveries long past it. */
    nextAttemptAt: integer("next_attempt_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_round_idx").on(t.endpointId, t.eventId, t.round),
    index("webhook_deliveries_event_idx").on(t.eventId, t.round),
    index("webhook_deliveries_org_endpoint_created_idx").on(t.orgId, t.endpointId, t.createdAt, t.id),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("webhook_deliveries_created_idx").on(t.createdAt),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
