import { runInDurableObject } from "cloudflare:test";
import { orgGate } from "../src/services/org-gate";
import { env } from "./helpers";

/**
 * Runs the organization's gate `ms` ahead of real time, until the instance is evicted (a new one starts on real
 * time). The clock is an own property of the instance, which only code inside this isolate can reach.
 */
export function advanceGateClock(orgId: string, ms: number): Promise<void> {
  return runInDurableObject(orgGate(env, orgId), (gate) => {
    gate.now = () => Date.now() + ms;
  });
}
