import type { RouteHandler } from "@hono/zod-openapi";
import { createDb } from "../../db/client";
import type { AppEnv } from "../../env";
import { iso } from "../../lib/time";
import { orgGate } from "../../services/org-gate";
import { getOrganization, toOrganization } from "../../services/organizations";
import type { getOrganizationRoute } from "./organization.routes";

export const getSelfOrganization: RouteHandler<typeof getOrganizationRoute, AppEnv> = async (c) => {
  const { orgId } = c.get("auth");
  const [row, ai] = await Promise.all([
    getOrganization(createDb(c.env.DB), orgId),
    orgGate(c.env, orgId).aiUsage(orgId),
  ]);
  const org = toOrganization(row);
  const points = c.get("budget");
  return c.json(
    {
      id: org.id,
      name: org.name,
      plan: org.plan,
      status: org.status,
      createdAt: org.createdAt,
      limits: org.limits,
      usage: {
        points: { limit: points.limit, remaining: points.remaining, resetAt: iso(points.resetAtMs) },
        aiGenerations: {
          used: ai?.used ?? 0,
          limit: ai?.limit ?? org.limits.aiGenerationsPerMonth,
          remaining: ai?.remaining ?? org.limits.aiGenerationsPerMonth,
          resetAt: iso(ai?.resetAtMs ?? Date.now()),
        },
        storageBytes: row.storageBytes,
        transcriptionSeconds: row.transcriptionSeconds,
      },
    },
    200,
  );
};
