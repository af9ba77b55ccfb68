import { z } from "@hono/zod-openapi";
import { LimitsSchema, OrgStatusSchema, PlanSchema, Timestamp } from "../shared.schemas";

export const SelfOrganizationSchema = z
  .object({
    id: z.string().openapi({ example: "org_2nXq8Lw0cPz7VbH1kT5mYd" }),
    name: z.string().openapi({ example: "Acme Health" }),
    plan: PlanSchema,
    status: OrgStatusSchema,
    createdAt: Timestamp,
    limits: LimitsSchema,
    usage: z.object({
      points: z.object({
        limit: z.number().int().nullable(),
        remaining: z.number().int().nullable(),
        resetAt: Timestamp.openapi({ description: "When the full point budget is back." }),
      }),
      aiGenerations: z.object({
        used: z.number().int(),
        limit: z.number().int().nullable(),
        remaining: z.number().int().nullable(),
        resetAt: Timestamp.openapi({ description: "Start of the next monthly cycle (from the billing anchor)." }),
      }),
      storageBytes: z.number().int(),
      transcriptionSeconds: z.number().int(),
    }),
  })
  .openapi("Organization", { description: "The calling organization: plan, status, limits and usage." });
