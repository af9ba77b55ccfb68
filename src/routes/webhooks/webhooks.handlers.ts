import type { RouteHandler } from "@hono/zod-openapi";
import { type AppEnv, allowInsecureWebhooks, secretsKeyring } from "../../env";
import { NO_STORE, pathTo } from "../../lib/http";
import { listDeliveries } from "../../services/webhook-delivery-log";
import { sendTestEvent } from "../../services/webhook-resends";
import {
  createWebhook,
  deleteWebhook,
  getWebhookRow,
  listWebhooks,
  rotateWebhookSecret,
  toWebhook,
  updateWebhook,
} from "../../services/webhooks";
import {
  type createWebhookRoute,
  type deleteWebhookRoute,
  getWebhookRoute,
  type listDeliveriesRoute,
  type listWebhooksRoute,
  type rotateSecretRoute,
  type testWebhookRoute,
  type updateWebhookRoute,
} from "./webhooks.routes";

export const create: RouteHandler<typeof createWebhookRoute, AppEnv> = async (c) => {
  const created = await createWebhook(
    c.var.deps.db,
    await secretsKeyring(c.env),
    c.get("org"),
    c.req.valid("json"),
    allowInsecureWebhooks(c.env),
  );
  c.header("Location", pathTo(getWebhookRoute.path, { webhookId: created.id }));
  return c.json(created, 201, NO_STORE);
};

export const list: RouteHandler<typeof listWebhooksRoute, AppEnv> = async (c) =>
  c.json(await listWebhooks(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);

export const get: RouteHandler<typeof getWebhookRoute, AppEnv> = async (c) =>
  c.json(toWebhook(await getWebhookRow(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").webhookId)), 200);

export const update: RouteHandler<typeof updateWebhookRoute, AppEnv> = async (c) => {
  const db = c.var.deps.db;
  const updated = await updateWebhook(
    db,
    c.get("auth").orgId,
    c.req.valid("param").webhookId,
    c.req.valid("json"),
    allowInsecureWebhooks(c.env),
  );
  return c.json(updated, 200);
};

export const remove: RouteHandler<typeof deleteWebhookRoute, AppEnv> = async (c) => {
  await deleteWebhook(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").webhookId);
  return c.body(null, 204);
};

export const rotate: RouteHandler<typeof rotateSecretRoute, AppEnv> = async (c) => {
  const keyring = await secretsKeyring(c.env);
  const rotated = await rotateWebhookSecret(
    c.var.deps.db,
    keyring,
    c.get("auth").orgId,
    c.req.valid("param").webhookId,
  );
  return c.json(rotated, 200, NO_STORE);
};

export const test: RouteHandler<typeof testWebhookRoute, AppEnv> = async (c) =>
  c.json(
    await sendTestEvent(c.var.deps.queues, c.var.deps.db, c.get("auth").orgId, c.req.valid("param").webhookId),
    202,
  );

export const deliveries: RouteHandler<typeof listDeliveriesRoute, AppEnv> = async (c) => {
  const db = c.var.deps.db;
  const { orgId } = c.get("auth");
  const endpoint = await getWebhookRow(db, orgId, c.req.valid("param").webhookId);
  return c.json(await listDeliveries(db, orgId, endpoint.id, c.req.valid("query")), 200);
};
