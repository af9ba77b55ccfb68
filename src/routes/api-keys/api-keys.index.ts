import { createRouter } from "../../lib/openapi";
import { createKey, listKeys, revokeKey } from "./api-keys.handlers";
import { createApiKeyRoute, listApiKeysRoute, revokeApiKeyRoute } from "./api-keys.routes";

export const apiKeysRouter = createRouter()
  .openapi(createApiKeyRoute, createKey)
  .openapi(listApiKeysRoute, listKeys)
  .openapi(revokeApiKeyRoute, revokeKey);
