import { createDb } from "../db/client";
import { queueProducer } from "../queues/producer";
import { publishEvents } from "../services/events";
import { orgGate } from "../services/org-gate";
import { abortStaleUploads, recoverStalledClaims } from "../services/recording-upload-sweeps";
import { recordingStored } from "../services/upload-claims";

/**
 * Finishes or undoes completions whose worker died, then aborts multipart uploads left unfinished for
 * 24 hours (bounded pages per run). Returns how many it finished or aborted as stale.
 */
export async function sweepRecordingUploads(env: Env, now: number): Promise<number> {
  const db = createDb(env.DB);
  const queues = queueProducer(env);
  const finished = await recoverStalledClaims(db, env.RECORDINGS, now);
  for (const { row } of finished) await recordingStored(queues, orgGate(env, row.orgId), row);
  await publishEvents(
    queues,
    db,
    finished.map((f) => f.event.id),
  );
  return finished.length + (await abortStaleUploads(db, env.RECORDINGS, now));
}
