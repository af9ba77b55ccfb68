import { sweepDashboardSessions } from "./dashboard-sessions";
import { endRoomSessions } from "./end-room-sessions";
import { expireMeetings } from "./expire-meetings";
import { deleteExpiredExports, resumeExports } from "./export-retention";
import { purgeCancelledOrganizations } from "./organization-purge";
import { sweepRecordingUploads } from "./recording-uploads";
import { reencryptSecrets } from "./reencrypt-secrets";
import { purgeExpiredRecords, sweepEventOutbox, sweepOverdueDeliveries } from "./retention";

/** One scheduled job: idempotent and bounded, so overlapping or repeated runs are harmless. */
export type ScheduledJob = (env: Env, scheduledTime: number) => Promise<unknown>;

/** Jobs by cron expression. */
export const JOBS: Record<string, ScheduledJob[]> = {
  "* * * * *": [
    expireMeetings,
    sweepEventOutbox,
    sweepOverdueDeliveries,
    purgeExpiredRecords,
    sweepRecordingUploads,
    endRoomSessions,
    purgeCancelledOrganizations,
    reencryptSecrets,
    deleteExpiredExports,
    resumeExports,
    sweepDashboardSessions,
  ],
};

export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const jobs = JOBS[controller.cron] ?? [];
  const results = await Promise.allSettled(jobs.map((job) => job(env, controller.scheduledTime)));
  for (const result of results) {
    if (result.status === "rejected")
      console.error(JSON.stringify({ level: "error", cron: controller.cron, error: String(result.reason) }));
  }
}
