/** One scheduled job: idempotent and bounded, so overlapping or repeated runs are harmless. */
export type ScheduledJob = (env: Env, scheduledTime: number) => Promise<unknown>;

/** Jobs by cron expression; the every-minute trigger gains jobs as features land (expiry, retention). */
export const JOBS: Record<string, ScheduledJob[]> = {
  "* * * * *": [],
};

export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const jobs = JOBS[controller.cron] ?? [];
  const results = await Promise.allSettled(jobs.map((job) => job(env, controller.scheduledTime)));
  for (const result of results) {
    if (result.status === "rejected")
      console.error(JSON.stringify({ level: "error", cron: controller.cron, error: String(result.reason) }));
  }
  void ctx;
}
