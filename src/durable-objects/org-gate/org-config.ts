import type { GateOrganization } from "../../db/queries/org-gate";
import { effectiveLimits, PLANS, type PlanLimits } from "../../lib/plans";
import type { KeyRegistry } from "./key-registry";

/** What the gate knows about its organization; refreshed from D1 on start and on operator changes. */
export interface GateConfig {
  orgId: string;
  name: string;
  plan: keyof typeof PLANS;
  status: "active" | "suspended" | "cancelled";
  limits: PlanLimits;
  createdAt: number;
}

/**
 * The organization's settings and key list, read from D1 once and kept until an operator change. Concurrent
 * callers share one read; a refresh supersedes a read already under way.
 */
export class OrgConfig {
  /** Null until loaded, and for an organization D1 does not know. */
  current: GateConfig | null = null;
  private loaded = false;
  private loading: Promise<void> | null = null;
  /** Bumped by refresh(), so a D1 read begun before an operator change cannot overwrite a newer one. */
  private generation = 0;

  constructor(
    private readonly read: (orgId: string) => Promise<GateOrganization>,
    private readonly keys: KeyRegistry,
  ) {}

  /** The settings, reading D1 only the first time (and after a refresh). */
  async load(orgId: string): Promise<GateConfig | null> {
    while (!this.loaded) {
      const generation = this.generation;
      if (!this.loading) {
        const loading = this.fetch(orgId, generation).finally(() => {
          if (this.loading === loading) this.loading = null;
        });
        this.loading = loading;
      }
      await this.loading;
      // A refresh() during the read superseded it: wait for the newer read instead.
      if (generation === this.generation) break;
    }
    return this.current;
  }

  /** Drops what is cached and reads D1 again. */
  refresh(orgId: string): Promise<GateConfig | null> {
    this.loaded = false;
    this.loading = null;
    this.generation++;
    return this.load(orgId);
  }

  private async fetch(orgId: string, generation: number): Promise<void> {
    const { org, keys } = await this.read(orgId);
    if (generation !== this.generation) return;
    this.current = org && {
      orgId,
      name: org.name,
      plan: org.plan,
      status: org.status,
      limits: effectiveLimits(org.plan, org.limitOverrides),
      createdAt: org.createdAt,
    };
    if (org) {
      this.keys.replace(keys);
      this.loaded = true;
    }
  }
}

/** Why the organization may not use the API right now, or null when it may. */
export function accessRefusal(config: GateConfig): string | null {
  if (config.status === "suspended")
    return "This organization is suspended; API access is paused until it is reactivated.";
  if (config.status === "cancelled") return "This organization is cancelled; its API access has ended.";
  if (!PLANS[config.plan].apiAccess) {
    return `The ${config.plan} plan has no API access; upgrade to starter or above to use the API.`;
  }
  return null;
}
