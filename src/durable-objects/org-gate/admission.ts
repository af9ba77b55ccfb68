import type { AiLedger, AiUsage } from "./ai-ledger";
import type { DailyUsage } from "./daily-usage";
import type { KeyRegistry } from "./key-registry";
import { accessRefusal, type GateConfig, type OrgConfig } from "./org-config";
import type { PointBudget } from "./point-budget";
import type { BudgetState } from "./rolling-budget";
import type { UsageCounters } from "./usage-counters";

/** The organization as its gate knows it, handed back with every admission so reads need no extra hop. */
export interface OrgSnapshot {
  id: string;
  name: string;
  plan: GateConfig["plan"];
  status: GateConfig["status"];
  createdAt: number;
  limits: GateConfig["limits"];
  aiGenerations: AiUsage;
  storageBytes: number;
  transcriptionSeconds: number;
}

export type AdmitResult =
  | { outcome: "unauthorized" }
  | ({ outcome: "forbidden"; detail: string } & BudgetState)
  | ({ outcome: "rate_limited"; retryAfterMs: number } & BudgetState)
  | ({ outcome: "admitted"; org: OrgSnapshot } & BudgetState);

/** What admitting a request consults: the gate's modules. */
export interface AdmissionParts {
  config: OrgConfig;
  keys: KeyRegistry;
  budget: PointBudget;
  ai: AiLedger;
  usage: UsageCounters;
  daily: DailyUsage;
}

/** Checks the key and the organization, then spends `cost` points if they fit. */
export async function admit(
  parts: AdmissionParts,
  orgId: string,
  keyId: string,
  cost: number,
  now: () => number,
): Promise<AdmitResult> {
  const { config: orgConfig, keys, budget } = parts;
  let config = await orgConfig.load(orgId);
  // A key this gate has not heard of was created while its notification was lost: ask D1 once.
  if (config && !keys.knows(keyId)) config = await orgConfig.refresh(orgId);
  if (!config || !keys.isLive(keyId)) return { outcome: "unauthorized" };
  const at = now();
  const limit = config.limits.pointsPerMinute ?? 0;
  const refusal = accessRefusal(config);
  if (refusal) return { outcome: "forbidden", detail: refusal, ...budget.state(limit, at) };

  const decision = budget.trySpend(cost, limit, at);
  if (!decision.admitted) {
    const { admitted: _, ...refused } = decision;
    return { outcome: "rate_limited", ...refused };
  }
  const { admitted: _, ...state } = decision;
  keys.noteUse(keyId, at);
  parts.daily.countRequest(at);
  return { outcome: "admitted", ...state, org: snapshot(parts, config, at) };
}

export function snapshot(
  { ai, usage }: Pick<AdmissionParts, "ai" | "usage">,
  config: GateConfig,
  now: number,
): OrgSnapshot {
  return {
    id: config.orgId,
    name: config.name,
    plan: config.plan,
    status: config.status,
    createdAt: config.createdAt,
    limits: config.limits,
    aiGenerations: ai.usage(aiQuota(config), now),
    storageBytes: usage.get("storageBytes"),
    transcriptionSeconds: usage.get("transcriptionSeconds"),
  };
}

/** The AI ledger's view of the organization's settings. */
export function aiQuota(config: GateConfig) {
  return { createdAt: config.createdAt, limit: config.limits.aiGenerationsPerMonth };
}
