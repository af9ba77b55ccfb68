import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { iso } from "../../lib/time";
import type { getOrganizationRoute } from "./organization.routes";

/** Answered from what the organization's Durable Object returned when admitting the request: no extra I/O. */
export const getSelfOrganization: RouteHandler<typeof getOrganizationRoute, AppEnv> = (c) => {
  const org = c.get("org");
  const points = c.get("budget");
  return c.json(
    {
      id: org.id,
      name: org.name,
      plan: org.plan,
      status: org.status,
      createdAt: iso(org.createdAt),
      limits: org.limits,
      usage: {
        points: { limit: points.limit, remaining: points.remaining, resetAt: iso(points.resetAtMs) },
        aiGenerations: {
          used: org.aiGenerations.used,
          limit: org.aiGenerations.limit,
          remaining: org.aiGenerations.remaining,
          resetAt: iso(org.aiGenerations.resetAtMs),
        },
        storageBytes: org.storageBytes,
        transcriptionSeconds: org.transcriptionSeconds,
      },
    },
    200,
  );
};
