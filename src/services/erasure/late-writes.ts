import type { SQL } from "drizzle-orm";
import { type Compilable, sqlBatch } from "../../db/batch";
import type { Database } from "../../db/client";
import { erasuresOpenSinceRows, noErasureBesides } from "../../db/queries/erasures";
import { HashedSubject } from "./hashed-subject";
import { ERASED } from "./subject";

/** Rounds of "an erasure arrived between my check and my write" before the job gives up (and is retried). */
const MAX_ROUNDS = 5;

/**
 * Writes a job's output (a transcript, a summary, an AI generation) so that no erasure can miss it.
 *
 * Why the job and not the erasure: an erasure scans each table once, and a job that read its input before the
 * scan (or transcribes audio, which no erasure can redact) writes after it. Waiting in the erasure for every
 * running job would hold it for as long as the longest transcription, and it could not see AI generations that
 * run inside a request. Instead the job's write is guarded, in the same statement, by "no erasure of the
 * organization that was unfinished when the job started, other than those applied": the common case costs no
 * extra round trip. When the guard stops the write, the job reads those erasures, redacts its output with each
 * subject's hash (the clear value may be gone already) and writes again.
 *
 * `statements` builds the write from an output and the guard, which every statement must carry; a batch that
 * changed nothing for another reason (the object was deleted meanwhile) is returned as it is.
 */
export async function writeWithErasures<T>(
  db: Database,
  orgId: string,
  startedAt: number,
  output: T,
  redact: (output: T, subjects: HashedSubject[]) => Promise<T>,
  statements: (output: T, guard: SQL) => Compilable[],
): Promise<{ output: T; results: D1Result[] }> {
  let applied: string[] = [];
  let current = output;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const results = await sqlBatch(db, statements(current, noErasureBesides(orgId, startedAt, applied)));
    if (results.some((result) => (result.meta.changes ?? 0) > 0)) return { output: current, results };
    const open = await erasuresOpenSinceRows(db, orgId, startedAt);
    if (open.every((erasure) => applied.includes(erasure.id))) return { output: current, results };
    applied = open.map((erasure) => erasure.id);
    current = await redact(
      output,
      open.map((erasure) => new HashedSubject(erasure)),
    );
  }
  throw new Error(`erasures of ${orgId} kept arriving during a job's write`);
}

/** A JSON result (summary, generation) with every subject taken out. */
export async function redactJsonWith<T>(value: T, subjects: HashedSubject[]): Promise<T> {
  let out: unknown = value;
  for (const subject of subjects) out = await subject.redactJson(out);
  return out as T;
}

/**
 * Transcript segments as the erasure leaves them: a speaker who is a subject speaks `[erased]` (label and text),
 * other text loses each occurrence.
 */
export async function redactSegmentsWith<S extends { speaker: string; text: string }>(
  segments: S[],
  subjects: HashedSubject[],
): Promise<S[]> {
  const out: S[] = [];
  for (const segment of segments) {
    let { speaker, text } = segment;
    for (const subject of subjects) {
      if (await subject.occursIn(speaker)) {
        speaker = ERASED;
        text = ERASED;
      } else text = await subject.redact(text);
    }
    out.push({ ...segment, speaker, text });
  }
  return out;
}
