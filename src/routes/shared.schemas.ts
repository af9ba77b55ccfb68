import { z } from "@hono/zod-openapi";
import { PLAN_NAMES } from "../lib/plans";

export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-11-21T16:00:00.000Z" });

export const PlanSchema = z.enum(PLAN_NAMES).openapi({ description: "Plan name.", example: "professional" });
export const OrgStatusSchema = z.enum(["active", "suspended", "cancelled"]).openapi({ example: "active" });
export const LimitsSchema = z
  .object({
    pointsPerMinute: z.number().int().nullable().openapi({ example: 1000 }),
    aiGenerationsPerMonth: z.number().int().nullable().openapi({ example: 100 }),
    apiKeys: z.number().int().nullable().openapi({ example: 3 }),
    webhookEndpoints: z.number().int().nullable().openapi({ example: 3 }),
  })
  .openapi("Limits", { description: "Effective limits (plan defaults plus operator overrides); `null` = unlimited." });

export function IdParam<K extends string>(name: K, example: string) {
  const field = z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: "path" }, example });
  return z.object({ [name]: field } as Record<K, typeof field>);
}
