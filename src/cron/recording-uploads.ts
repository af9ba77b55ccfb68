import { createDb } from "../db/client";
import { abortStaleUploads } from "../services/recording-uploads";

/** Aborts multipart uploads left unfinished for 24 hours (a bounded page per run). */
export function abortStaleRecordingUploads(env: Env, now: number): Promise<number> {
  return abortStaleUploads(createDb(env.DB), env.RECORDINGS, now);
}
