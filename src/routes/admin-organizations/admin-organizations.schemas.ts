import { z } from "@hono/zod-openapi";
import { IdParam, LimitsSchema, OrgStatusSchema, PlanSchema, Timestamp } from "../shared.schemas";

export const OrganizationIdParam = IdParam("organizationId", "org_2nXq8Lw0cPz7VbH1kT5mYd");

export const AdminOrganizationSchema = z
  .object({
    id: z.string().openapi({ example: "org_2nXq8Lw0cPz7VbH1kT5mYd" }),
    name: z.string().openapi({ example: "Acme Health" }),
    plan: PlanSchema,
    status: OrgStatusSchema,
    limits: LimitsSchema,
    limitOverrides: z
      .object({
        pointsPerMinute: z.number().int().optional(),
        aiGenerationsPerMonth: z.union([z.number().int(), z.literal("unlimited")]).optional(),
        apiKeys: z.union([z.number().int(), z.literal("unlimited")]).optional(),
        webhookEndpoints: z.union([z.number().int(), z.literal("unlimited")]).optional(),
      })
      .openapi("LimitOverrides", {
        description:
          'The limits the operator has overridden, as set: a number or `"unlimited"`. A limit that is absent ' +
          "follows the plan. `limits` shows the effect (`null` there means unlimited, whether by plan or override).",
        example: { pointsPerMinute: 5000, aiGenerationsPerMonth: "unlimited" },
      }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    cancelledAt: Timestamp.nullable(),
  })
  .openapi("AdminOrganization", { description: "An organization as the operator sees it." });

export const CreateOrganizationBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({ example: "Acme Health" }),
    plan: PlanSchema,
  })
  .openapi("CreateOrganizationRequest", { description: "A new organization on a plan." });

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
          'Per-organization overrides of the plan\'s limits. For each limit: a number sets an override, `"unlimited"` ' +
          "lifts it (not for `pointsPerMinute`, which is always finite), `null` removes the override so the plan " +
          "default applies again; a limit left out is unchanged. Overrides survive plan changes. The response's " +
          "`limitOverrides` lists what is overridden, `limits` the effective values (`null` = unlimited).",
        example: { pointsPerMinute: 5000, aiGenerationsPerMonth: "unlimited", apiKeys: null },
      }),
  })
  .openapi("UpdateOrganizationRequest", {
    description: "Changes to an organization: name, plan, status and per-organization limit overrides.",
  });

export const CreateInvitationBody = z
  .strictObject({
    email: z.email().max(254).openapi({ example: "ada@acme.example" }),
    role: z.enum(["owner", "admin", "agent"]).openapi({
      description: "`owner`: everything, members and roles included; `admin`: keys, webhooks, data; `agent`: reads.",
      example: "owner",
    }),
  })
  .openapi("CreateInvitationRequest", {
    description: "Who to invite to the organization's dashboard, and with which role.",
  });

export const InvitationSchema = z
  .object({
    invitationId: z.string().openapi({ example: "inv_4kQm2Rz8VbN1xT7pLc0sWd" }),
    inviteUrl: z.string().openapi({
      description: "Opens the dashboard's acceptance page (set name and password). Single use; shown once.",
      example: "https://parley.example/dashboard/invitation?token=…",
    }),
    expiresAt: Timestamp,
  })
  .openapi("Invitation", {
    description: "A single-use invitation to the dashboard, valid 7 days; its link is shown once.",
  });
