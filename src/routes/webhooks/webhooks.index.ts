import { createRouter } from "../../lib/openapi";
import { create, deliveries, get, list, remove, rotate, test, update } from "./webhooks.handlers";
import {
  createWebhookRoute,
  deleteWebhookRoute,
  getWebhookRoute,
  listDeliveriesRoute,
  listWebhooksRoute,
  rotateSecretRoute,
  testWebhookRoute,
  updateWebhookRoute,
} from "./webhooks.routes";

export const webhooksRouter = createRouter()
  .openapi(createWebhookRoute, create)
  .openapi(listWebhooksRoute, list)
  .openapi(getWebhookRoute, get)
  .openapi(updateWebhookRoute, update)
  .openapi(deleteWebhookRoute, remove)
  .openapi(rotateSecretRoute, rotate)
  .openapi(testWebhookRoute, test)
  .openapi(listDeliveriesRoute, deliveries);
