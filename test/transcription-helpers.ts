import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../src/index";
import { env, type TestOrg } from "./helpers";

export type Transcription = Record<string, unknown> & {
  transcriptionId: string;
  state: string;
  speakers: string[];
  segmentCount: number;
  durationInSeconds: number | null;
  error: string | null;
};

export const seg = (speaker: string, start: number, end: number, text: string) => ({ speaker, start, end, text });

/** Imports segments through the API; the 201 transcription. */
export async function importSegments(org: TestOrg, segments: unknown[], extra: Record<string, unknown> = {}) {
  const res = await org.api("/api/v1/transcriptions", { method: "POST", json: { segments, ...extra } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Transcription;
}

/** Rows of a transcription's segment pages, straight from D1. */
export async function pageRows(transcriptionId: string) {
  return (
    await env.DB.prepare("SELECT page, first_index, segments FROM transcript_segment_pages WHERE transcription_id = ?")
      .bind(transcriptionId)
      .all<{ page: number; first_index: number; segments: string }>()
  ).results;
}

/**
 * The worker's environment with AI configured: an OpenAI key, the fake server under its own tag (so this
 * file's programmed failures are its own), and the `ai-jobs` queue captured, so a test hands its messages to
 * the worker's queue handler itself (the local queue would run them with the test run's unconfigured env).
 */
export function aiEnvironment(tag: string, vars: Partial<Env> = {}) {
  const sent: unknown[] = [];
  const capture = {
    send: async (body: unknown) => void sent.push(body),
    sendBatch: async (messages: { body: unknown }[]) => void sent.push(...messages.map((m) => m.body)),
  };
  const base = env.TEST_OPENAI_URL.replace(/\/v1$/, `/t/${tag}`);
  const aiEnv: Env = {
    ...env,
    OPENAI_API_KEY: "sk-test-parley",
    OPENAI_BASE_URL: `${base}/v1`,
    AI_JOBS_QUEUE: capture as unknown as Env["AI_JOBS_QUEUE"],
    ...vars,
  };
  /** Sends a request through the worker with this environment. */
  const fetch = (org: TestOrg, path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${org.key}`);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    const request = new Request(`https://parley.test${path}`, { ...init, headers, body });
    return worker.fetch(request, aiEnv, createExecutionContext());
  };
  /** Runs `bodies` through the worker's queue handler as one `ai-jobs` batch; the acks and retries. */
  const runJobs = async (bodies: unknown[], options: { attempts?: number; target?: Env; queue?: string } = {}) => {
    const batch = createMessageBatch(
      options.queue ?? "ai-jobs",
      bodies.map((body, i) => ({
        id: `m${i}-${crypto.randomUUID()}`,
        timestamp: new Date(),
        attempts: options.attempts ?? 1,
        body,
      })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch, options.target ?? aiEnv);
    return getQueueResult(batch, ctx);
  };
  /** Programs the fake server for this tag. */
  const program = async (behaviour: Record<string, unknown>) => {
    const res = await globalThis.fetch(`${base}/__fake/program`, { method: "POST", body: JSON.stringify(behaviour) });
    expect(res.status).toBe(200);
  };
  return { env: aiEnv, sent, fetch, runJobs, program, base };
}
