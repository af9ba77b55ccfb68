import { createDb } from "../db/client";
import { queueProducer } from "../queues/producer";
import { claimDuePurges } from "../services/organization-purge";

/**
 * Starts the purge of organizations cancelled more than 30 days ago: one `organization.purge.v1` message per
 * organization, which the storage-jobs consumer carries on in bounded rounds until the organization is gone.
 */
export async function purgeCancelledOrganizations(env: Env, now: number): Promise<number> {
  const orgIds = await claimDuePurges(createDb(env.DB), now);
  if (orgIds.length > 0) {
    await queueProducer(env).storageJobs.sendBatch(
      orgIds.map((orgId) => ({ body: { kind: "organization.purge.v1", orgId } as const })),
    );
  }
  return orgIds.length;
}
