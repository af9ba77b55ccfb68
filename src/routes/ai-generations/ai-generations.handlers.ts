import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { textProvider } from "../../ai/provider-config";
import type { AppEnv } from "../../env";
import {
  type GenerationDeps,
  generateCached,
  getCachedGeneration,
  queryTranscript,
} from "../../services/ai-generations";
import type {
  getFeedbackRoute,
  getKeypointsRoute,
  postEmailRoute,
  postFeedbackRoute,
  postKeypointsRoute,
  postQueryRoute,
} from "./ai-generations.routes";

/** The provider is built from this request's environment, and only when a generation runs. */
const generationDeps = (c: Context<AppEnv>): GenerationDeps => ({
  db: c.var.deps.db,
  gate: c.var.deps.gate,
  provider: () => textProvider(c.env),
});

const status = (result: { cached: boolean }) => (result.cached ? 200 : 201);

export const getKeypoints: RouteHandler<typeof getKeypointsRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  return c.json(await getCachedGeneration(c.var.deps.db, c.get("auth").orgId, transcriptionId, "keypoints", {}), 200);
};

export const postKeypoints: RouteHandler<typeof postKeypointsRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  const { forceRefresh = false } = c.req.valid("json") ?? {};
  const result = await generateCached(
    generationDeps(c),
    c.get("auth").orgId,
    transcriptionId,
    "keypoints",
    {},
    forceRefresh,
  );
  return c.json(result, status(result));
};

export const getFeedback: RouteHandler<typeof getFeedbackRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  const speakerName = c.req.valid("query").speakerName ?? null;
  const { db } = c.var.deps;
  return c.json(await getCachedGeneration(db, c.get("auth").orgId, transcriptionId, "feedback", { speakerName }), 200);
};

export const postFeedback: RouteHandler<typeof postFeedbackRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  const { speakerName = null, forceRefresh = false } = c.req.valid("json") ?? {};
  const orgId = c.get("auth").orgId;
  const result = await generateCached(
    generationDeps(c),
    orgId,
    transcriptionId,
    "feedback",
    { speakerName },
    forceRefresh,
  );
  return c.json(result, status(result));
};

export const postEmail: RouteHandler<typeof postEmailRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  const { recipientName = null, tone = "professional", forceRefresh = false } = c.req.valid("json") ?? {};
  const params = { recipientName, tone };
  const result = await generateCached(
    generationDeps(c),
    c.get("auth").orgId,
    transcriptionId,
    "email",
    params,
    forceRefresh,
  );
  return c.json(result, status(result));
};

export const postQuery: RouteHandler<typeof postQueryRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  const answer = await queryTranscript(
    generationDeps(c),
    c.get("auth").orgId,
    transcriptionId,
    c.req.valid("json").query,
  );
  return c.json(answer, 201);
};
