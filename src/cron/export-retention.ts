import { createDb } from "../db/client";
import { queueProducer } from "../queues/producer";
import { deleteExpiredExports as deleteExpired, resumeStalledExports } from "../services/exports";

/** Deletes exports (document and row) 7 days after they were asked for, a bounded page per run. */
export async function deleteExpiredExports(env: Env, now: number): Promise<number> {
  return deleteExpired(createDb(env.DB), env.RECORDINGS, now);
}

/** Re-sends the message of exports whose writer died between saving its progress and handing over. */
export async function resumeExports(env: Env, now: number): Promise<number> {
  return resumeStalledExports(createDb(env.DB), queueProducer(env), now);
}
