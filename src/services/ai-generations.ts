import { sql } from "drizzle-orm";
import type { EmailTone, GenerationOutput, PromptSegment } from "../ai/generations";
import type { AiProvider } from "../ai/provider";
import type { Database } from "../db/client";
import { findAiResult, upsertAiResult } from "../db/queries/summaries";
import { transcriptionIn } from "../db/queries/transcriptions";
import type { AiResultKind, TranscriptionRow } from "../db/schema";
import { sha256Hex } from "../lib/crypto";
import { ApiError } from "../lib/errors";
import { iso } from "../lib/time";
import { type AiQuotaGate, generateOnQuota } from "./ai-quota";
import { redactJsonWith, writeWithErasures } from "./erasure/late-writes";
import { computeInsights } from "./transcript-insights";
import { readSegmentPages } from "./transcript-pages";
import type { TranscriptSegment } from "./transcript-segments";
import { getReadyTranscription, speakersOf } from "./transcriptions";

/** What generations need; the provider is made only when a generation actually runs (cached reads make none). */
export interface GenerationDeps {
  db: Database;
  gate: AiQuotaGate;
  provider: () => AiProvider;
}

/** Feedback needs a conversation of at least this many segments (SPEC §6.5). */
export const FEEDBACK_MIN_SEGMENTS = 10;

/** Every result carries these besides its own fields. */
export interface GenerationMeta {
  generatedAt: string;
  model: string;
}
export type CachedGeneration<T> = T & GenerationMeta & { cached: boolean };

export type KeypointsResult = GenerationOutput["keypoints"];
export type FeedbackResult = { speakerName: string; talkListenRatio: number | null } & GenerationOutput["feedback"];
export type EmailResult = GenerationOutput["email"];

export interface FeedbackParams {
  speakerName: string | null;
}
export interface EmailParams {
  recipientName: string | null;
  tone: EmailTone;
}
interface ParamsOf {
  keypoints: Record<string, never>;
  feedback: FeedbackParams;
  email: EmailParams;
}
interface ResultOf {
  keypoints: KeypointsResult;
  feedback: FeedbackResult;
  email: EmailResult;
}

/** A ready transcript's segments, renames applied, in order (the whole transcript: providers map-reduce it). */
export async function transcriptSegments(db: Database, row: TranscriptionRow): Promise<TranscriptSegment[]> {
  const segments: TranscriptSegment[] = [];
  for await (const page of readSegmentPages(db, row.orgId, row.id, row.speakerNames)) segments.push(...page);
  return segments;
}

export const toPromptSegments = (segments: readonly TranscriptSegment[]): PromptSegment[] =>
  segments.map(({ index, speaker, start, end, text }) => ({ index, speaker, start, end, text }));

/** JSON with sorted keys, so equal parameters hash equally whatever their order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * The cache key of a generation: its parameters and the speaker renames in force. A result names speakers as
 * they were called when it was made, so after a rename the next request generates afresh (and GET is 404 until
 * then) instead of serving the old names.
 */
const paramsHash = (params: unknown, row: TranscriptionRow) =>
  sha256Hex(JSON.stringify(canonical({ params, speakerNames: row.speakerNames })));

const withMeta = <T>(result: T, model: string, generatedAt: number, cached: boolean): CachedGeneration<T> => ({
  ...result,
  cached,
  generatedAt: iso(generatedAt),
  model,
});

/** The cached result of `kind` for these parameters: 404 when none was generated (SPEC §6.5 GET). */
export async function getCachedGeneration<K extends AiResultKind>(
  db: Database,
  orgId: string,
  transcriptionId: string,
  kind: K,
  params: ParamsOf[K],
): Promise<CachedGeneration<ResultOf[K]>> {
  const row = await getReadyTranscription(db, orgId, transcriptionId);
  checkParams(kind, row, params, "query");
  const cached = await findAiResult(db, orgId, { transcriptionId, kind, paramsHash: await paramsHash(params, row) });
  if (!cached) {
    throw new ApiError(
      "not_found",
      `No ${kind} have been generated for transcription ${transcriptionId} with these parameters and the current speaker names; POST to generate them.`,
    );
  }
  return withMeta(cached.result as ResultOf[K], cached.model, cached.generatedAt, true);
}

/**
 * The result of `kind` for these parameters: the cached one (200, free) unless `forceRefresh`, else a new one
 * generated on the AI quota and cached (201).
 */
export async function generateCached<K extends AiResultKind>(
  deps: GenerationDeps,
  orgId: string,
  transcriptionId: string,
  kind: K,
  params: ParamsOf[K],
  forceRefresh: boolean,
): Promise<CachedGeneration<ResultOf[K]>> {
  const { db } = deps;
  const startedAt = Date.now();
  const row = await getReadyTranscription(db, orgId, transcriptionId);
  checkParams(kind, row, params, "body");
  const key = { transcriptionId, kind, paramsHash: await paramsHash(params, row) };
  if (!forceRefresh) {
    const cached = await findAiResult(db, orgId, key);
    if (cached) return withMeta(cached.result as ResultOf[K], cached.model, cached.generatedAt, true);
  }
  const made = await generateOnQuota(deps.gate, orgId, async () =>
    GENERATORS[kind](deps.provider(), await transcriptSegments(db, row), params),
  );
  const generatedAt = Date.now();
  // Written so that an erasure that ran meanwhile still reaches it; the answer is what was stored.
  const { output } = await writeWithErasures(db, orgId, startedAt, made.result, redactJsonWith, (result, guard) => [
    upsertAiResult(
      { ...key, orgId, result, model: made.model, generatedAt },
      sql`${transcriptionIn(orgId, transcriptionId, "ready")} AND ${guard}`,
    ),
  ]);
  return withMeta(output as ResultOf[K], made.model, generatedAt, false);
}

type Generator<K extends AiResultKind> = (
  provider: AiProvider,
  segments: TranscriptSegment[],
  params: ParamsOf[K],
) => Promise<{ result: ResultOf[K]; model: string }>;

const GENERATORS: { [K in AiResultKind]: Generator<K> } = {
  keypoints: (provider, segments) =>
    provider.generate("keypoints", { segments: toPromptSegments(segments), language: null }),
  email: (provider, segments, params) =>
    provider.generate("email", { segments: toPromptSegments(segments), language: null, ...params }),
  feedback: async (provider, segments, params) => {
    const { speakers } = computeInsights(segments);
    const speakerName = params.speakerName ?? defaultFeedbackSpeaker(speakers);
    const made = await provider.generate("feedback", {
      segments: toPromptSegments(segments),
      language: null,
      speakerName,
    });
    return {
      result: { speakerName, ...made.result, talkListenRatio: talkListenRatio(speakers, speakerName) },
      model: made.model,
    };
  },
};

/** Without `speakerName`, feedback is for the speaker with the most talk time (insights order them so). */
function defaultFeedbackSpeaker(speakers: readonly { speaker: string }[]): string {
  const first = speakers[0];
  if (!first) throw new ApiError("validation_error", "The transcript has no speakers to give feedback to.");
  return first.speaker;
}

/**
 * The speaker's talk time over everyone else's (SPEC §6.3 talk times, not the model's opinion), to 0.01:
 * 1.5 means they talked one and a half times as long as they listened; null when no one else spoke.
 */
export function talkListenRatio(
  speakers: readonly { speaker: string; talkTimeSeconds: number }[],
  speakerName: string,
): number | null {
  let talk = 0;
  let listen = 0;
  for (const s of speakers) {
    if (s.speaker === speakerName) talk += s.talkTimeSeconds;
    else listen += s.talkTimeSeconds;
  }
  return listen > 0 ? Math.round((talk / listen) * 100) / 100 : null;
}

function checkParams(kind: AiResultKind, row: TranscriptionRow, params: unknown, where: "body" | "query") {
  if (kind !== "feedback") return;
  const { speakerName } = params as FeedbackParams;
  if (row.segmentCount < FEEDBACK_MIN_SEGMENTS) {
    throw new ApiError(
      "validation_error",
      `Feedback needs a transcript of at least ${FEEDBACK_MIN_SEGMENTS} segments; transcription ${row.id} has ${row.segmentCount}.`,
      { errors: [{ location: "path.transcriptionId", message: `Fewer than ${FEEDBACK_MIN_SEGMENTS} segments` }] },
    );
  }
  const speakers = speakersOf(row);
  if (speakerName !== null && !speakers.includes(speakerName)) {
    throw new ApiError(
      "validation_error",
      `speakerName must be a speaker of this transcript as it is named now: ${speakers.join(", ")}.`,
      { errors: [{ location: `${where}.speakerName`, message: "Not a speaker of this transcript" }] },
    );
  }
}

export interface QueryAnswer extends GenerationMeta {
  /** Always false: answers are never stored, each is generated by its request. */
  cached: false;
  query: string;
  response: string;
  citations: { start: number; end: number; speaker: string; text: string }[];
  suggestedQueries: string[];
}

/**
 * Answers a question about the transcript (never cached, one AI generation). Citations are the transcript's own
 * segments, renames applied, for the indexes the provider cited; an index that is no segment is dropped.
 */
export async function queryTranscript(
  deps: GenerationDeps,
  orgId: string,
  transcriptionId: string,
  query: string,
): Promise<QueryAnswer> {
  const row = await getReadyTranscription(deps.db, orgId, transcriptionId);
  let segments: TranscriptSegment[] = [];
  const made = await generateOnQuota(deps.gate, orgId, async () => {
    segments = await transcriptSegments(deps.db, row);
    return deps.provider().generate("query", { segments: toPromptSegments(segments), language: null, query });
  });
  const cited = [...new Set(made.result.citedSegmentIndexes)].flatMap((i) => {
    const segment = segments[i];
    return segment?.index === i ? [segment] : [];
  });
  return {
    query,
    response: made.result.response,
    citations: cited.map(({ start, end, speaker, text }) => ({ start, end, speaker, text })),
    suggestedQueries: made.result.suggestedQueries,
    cached: false,
    generatedAt: iso(Date.now()),
    model: made.model,
  };
}
