import type { Database } from "../db/client";
import {
  deleteWebhookRow,
  findWebhook,
  insertWebhookWithinLimit,
  listWebhookRows,
  rotateWebhookSecretRow,
  updateWebhookRow,
} from "../db/queries/webhooks";
import type { WebhookEndpointRow, WebhookStatus } from "../db/schema";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { decodeCursor, toPage } from "../lib/pagination";
import type { PlanLimits } from "../lib/plans";
import type { SecretsKeyring } from "../lib/secrets-at-rest";
import { iso, isoOrNull } from "../lib/time";
import { checkWebhookUrl } from "../lib/webhook-url";
import { newWebhookSecret } from "./webhook-signing";

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: WebhookStatus;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toWebhook(row: WebhookEndpointRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    status: row.status,
    disabledReason: row.disabledReason,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** A URL the endpoint may be created or updated with; 400 naming the rule it breaks otherwise. */
function acceptedUrl(url: string, allowInsecure: boolean): string {
  const check = checkWebhookUrl(url, { allowInsecure });
  if (!check.ok) {
    throw new ApiError("validation_error", `The webhook URL is not allowed: ${check.reason}`, {
      errors: [{ location: "body.url", message: check.reason }],
    });
  }
  return check.url;
}

/** `["*"]` stays as is; otherwise the types, deduplicated, in the order given. */
const normalizedEvents = (events: string[]) => (events.includes("*") ? ["*"] : [...new Set(events)]);

/**
 * Creates an endpoint. The plan-count check and the insert are one statement, so concurrent
 * creations cannot overshoot the limit.
 */
export async function createWebhook(
  db: Database,
  keyring: SecretsKeyring,
  org: { id: string; plan: string; limits: PlanLimits },
  input: { url: string; events: string[]; description?: string },
  allowInsecure: boolean,
): Promise<Webhook & { secret: string }> {
  const limit = org.limits.webhookEndpoints;
  const refuse = () =>
    new ApiError(
      "plan_limit_reached",
      limit === 0
        ? `The ${org.plan} plan has no webhook endpoints; upgrade to add one.`
        : `The ${org.plan} plan allows ${limit} webhook endpoint${limit === 1 ? "" : "s"}; delete one or upgrade.`,
    );
  if (limit === 0) throw refuse();
  const now = Date.now();
  const id = newId("whk");
  const secret = newWebhookSecret();
  const row: WebhookEndpointRow = {
    id,
    orgId: org.id,
    url: acceptedUrl(input.url, allowInsecure),
    events: normalizedEvents(input.events),
    description: input.description ?? null,
    status: "enabled",
    disabledReason: null,
    secret: await keyring.encrypt(secret, secretContext(id)),
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertWebhookWithinLimit(db, row, limit))) throw refuse();
  return { ...toWebhook(row), secret };
}

export async function getWebhookRow(db: Database, orgId: string, id: string): Promise<WebhookEndpointRow> {
  const row = await findWebhook(db, orgId, id);
  if (!row) throw new ApiError("not_found", `No webhook endpoint ${id}.`);
  return row;
}

export async function listWebhooks(db: Database, orgId: string, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor);
  const rows = await listWebhookRows(db, orgId, after, page.limit);
  return toPage(rows, page.limit, (r) => ({ v: r.createdAt, id: r.id }), toWebhook);
}

export async function updateWebhook(
  db: Database,
  orgId: string,
  id: string,
  patch: { url?: string; events?: string[]; description?: string | null; status?: WebhookStatus },
  allowInsecure: boolean,
): Promise<Webhook> {
  const changes: Partial<WebhookEndpointRow> = { updatedAt: Date.now() };
  if (patch.url !== undefined) changes.url = acceptedUrl(patch.url, allowInsecure);
  if (patch.events !== undefined) changes.events = normalizedEvents(patch.events);
  if (patch.description !== undefined) changes.description = patch.description;
  if (patch.status !== undefined) {
    // Enabling by hand starts afresh; disabling by hand carries no automatic reason.
    Object.assign(changes, { status: patch.status, disabledReason: null, failingSince: null });
  }
  const updated = await updateWebhookRow(db, orgId, id, changes);
  if (!updated) throw new ApiError("not_found", `No webhook endpoint ${id}.`);
  return toWebhook(updated);
}

/**
 * Deletes the endpoint. Its delivery log goes out of reach at once and is purged with the rest
 * after 30 days (in bounded pages, so deleting a busy endpoint stays one cheap statement);
 * attempts still queued find the endpoint gone and stop.
 */
export async function deleteWebhook(db: Database, orgId: string, id: string): Promise<void> {
  if (!(await deleteWebhookRow(db, orgId, id))) throw new ApiError("not_found", `No webhook endpoint ${id}.`);
}

/**
 * Issues a new secret; the current one keeps signing for 24 h so receivers can switch over.
 * Rotating again within the overlap replaces the older of the two.
 */
export async function rotateWebhookSecret(
  db: Database,
  keyring: SecretsKeyring,
  orgId: string,
  id: string,
  now = Date.now(),
): Promise<Webhook & { secret: string; previousSecretExpiresAt: string | null }> {
  const secret = newWebhookSecret();
  const encrypted = await keyring.encrypt(secret, secretContext(id));
  const row = await rotateWebhookSecretRow(db, orgId, id, encrypted, now + SECRET_OVERLAP_MS, now);
  if (!row) throw new ApiError("not_found", `No webhook endpoint ${id}.`);
  return { ...toWebhook(row), secret, previousSecretExpiresAt: isoOrNull(row.previousSecretExpiresAt) };
}

/** Associated data of an endpoint's encrypted secrets: they decrypt in their own row only. */
export const secretContext = (endpointId: string) => `webhook_endpoints:${endpointId}`;

/** The secrets that sign right now, decrypted: the current one, plus the previous one during its overlap. */
export async function signingSecrets(row: WebhookEndpointRow, now: number, keyring: SecretsKeyring): Promise<string[]> {
  const stored =
    row.previousSecret && (row.previousSecretExpiresAt ?? 0) > now ? [row.secret, row.previousSecret] : [row.secret];
  return Promise.all(stored.map((secret) => keyring.decrypt(secret, secretContext(row.id))));
}

/** Whether an endpoint subscribes to an event type. */
export const subscribes = (row: Pick<WebhookEndpointRow, "events">, type: string) =>
  row.events.includes("*") || row.events.includes(type);
