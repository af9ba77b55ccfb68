import { z } from "@hono/zod-openapi";
import { LimitsSchema, OrgStatusSchema, PlanSchema, Timestamp } from "../shared.schemas";

export const AdminOrganizationSchema = z
  .object({
    id: z.string().openapi({ example: "org_2nXq8Lw0cPz7VbH1kT5mYd" }),
    name: z.string().openapi({ example: "Acme Health" }),
    plan: PlanSchema,
    status: OrgStatusSchema,
    limits: LimitsSchema,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    cancelledAt: Timestamp.nullable(),
  })
  .openapi("AdminOrganization");

export const CreateOrganizationBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({ example: "Acme Health" }),
    plan: PlanSchema,
  })
  .openapi("CreateOrganizationRequest");

const limitOverride = (allowUnlimited: boolean) =>
  (allowUnlimited
    ? z.union([z.number().int().min(0).max(1_000_000_000), z.literal("unlimited")])
    : z.number().int().min(1).max(1_000_000_000)
  )
    .nullable()
    .optional();

export const UpdateOrganizationBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    plan: PlanSchema.optional(),
    status: OrgStatusSchema.optional().openapi({
      description:
        "`suspended` pauses API access; `cancelled` also schedules deletion 30 days later; `active` restores.",
    }),
    limits: z
      .strictObject({
        pointsPerMinute: limitOverride(false),
        aiGenerationsPerMonth: limitOverride(true),
        apiKeys: limitOverride(true),
        webhookEndpoints: limitOverride(true),
      })
      .optional()
      .openapi({
        description:
          'Per-organization overrides of the plan\'s limits: a number, `"unlimited"`, or `null` to go back to the plan default.',
        example: { pointsPerMinute: 5000, aiGenerationsPerMonth: "unlimited" },
      }),
  })
  .openapi("UpdateOrganizationRequest");
