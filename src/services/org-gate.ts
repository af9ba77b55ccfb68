/** The organization's Durable Object (one per organization, addressed by its id). */
export function orgGate(env: Env, orgId: string) {
  return env.ORG_GATE.get(env.ORG_GATE.idFromName(orgId));
}

/** The Durable Object instance that holds operator-API idempotency records. */
export const OPERATOR_SCOPE = "operator";
