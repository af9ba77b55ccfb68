import { createRouter } from "../../lib/openapi";
import { createKey, getKey, listKeys, revokeKey } from "./api-keys.handlers";
import { createApiKeyRoute, getApiKeyRoute, listApiKeysRoute, revokeApiKeyRoute } from "./api-keys.routes";

export const apiKeysRouter = createRouter()
  .openapi(createApiKeyRoute, createKey)
  .openapi(listApiKeysRoute, listKeys)
  .openapi(getApiKeyRoute, getKey)
  .openapi(revokeApiKeyRoute, revokeKey);
