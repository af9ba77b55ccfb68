import { z } from "@hono/zod-openapi";
import { API_KEY_SCOPES } from "../../db/schema";
import { IdParam, Timestamp } from "../shared.schemas";

export const KeyIdParam = IdParam("keyId", "key_4Vd0Qy2WbZ8hTq1nR6sXpL");

export const ScopeSchema = z.enum(API_KEY_SCOPES).openapi({
  description:
    "`read` = GET/HEAD on data; `write` = POST/PUT/PATCH/DELETE on data; `admin` = API keys, webhooks, export and erasure.",
});

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_4Vd0Qy2WbZ8hTq1nR6sXpL" }),
    name: z.string().openapi({ example: "backend" }),
    prefix: z.string().openapi({ description: "First 8 characters of the key, for recognition.", example: "prl_7Hc2" }),
    scopes: z.array(ScopeSchema),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
  })
  .openapi("ApiKey", { description: "An API key of the organization, without its secret." });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: "The secret key. Shown in this response only; Parley keeps just its SHA-256 hash.",
    example: "prl_7Hc2kq9ZLmWd0X3vN8bRtY5sJf1gPaE6uQo4iC2h1Kz0Ab",
  }),
}).openapi("CreatedApiKey", { description: "A new API key with its secret `key`, shown only in this response." });

export const CreateApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).openapi({ example: "backend" }),
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(3)
      .optional()
      .openapi({
        description: "Defaults to all three; on the API, to the creating key's scopes, the most it may grant.",
        example: ["read", "write"],
      }),
  })
  .openapi("CreateApiKeyRequest", { description: "A new API key's name and scopes (default: all three)." });
