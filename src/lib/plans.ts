/**
 * The plan catalog (SPEC §2): the one place plan defaults live. `null` means unlimited.
 * An operator can override any limit per organization (`PATCH /admin/v1/organizations/{id}`).
 */
export const PLAN_NAMES = ["free", "starter", "professional", "enterprise"] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export interface PlanLimits {
  pointsPerMinute: number | null;
  aiGenerationsPerMonth: number | null;
  apiKeys: number | null;
  webhookEndpoints: number | null;
}

export interface Plan {
  apiAccess: boolean;
  limits: PlanLimits;
}

export const PLANS: Record<PlanName, Plan> = {
  free: { apiAccess: false, limits: { pointsPerMinute: 0, aiGenerationsPerMonth: 0, apiKeys: 0, webhookEndpoints: 0 } },
  starter: {
    apiAccess: true,
    limits: { pointsPerMinute: 100, aiGenerationsPerMonth: 10, apiKeys: 1, webhookEndpoints: 0 },
  },
  professional: {
    apiAccess: true,
    limits: { pointsPerMinute: 1000, aiGenerationsPerMonth: 100, apiKeys: 3, webhookEndpoints: 3 },
  },
  enterprise: {
    apiAccess: true,
    limits: { pointsPerMinute: 2000, aiGenerationsPerMonth: null, apiKeys: 10, webhookEndpoints: null },
  },
};

export type LimitOverrides = Partial<PlanLimits>;

/** Plan defaults with the organization's operator overrides applied on top. */
export function effectiveLimits(plan: PlanName, overrides: LimitOverrides | null | undefined): PlanLimits {
  return { ...PLANS[plan].limits, ...stripUndefined(overrides ?? {}) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
