import type { RouteHandler } from "@hono/zod-openapi";
import { transcriptionConfigured } from "../../ai/provider-config";
import { type AppEnv, fileTokenSecret, publicBaseUrl } from "../../env";
import { ApiError } from "../../lib/errors";
import { pathTo } from "../../lib/http";
import { signFileToken } from "../../services/access-links";
import { exportTranscript, transcriptInsights } from "../../services/transcript-reads";
import { importTranscript, subtitleSegments } from "../../services/transcription-imports";
import {
  deleteTranscription,
  deleteTranscriptionsLater,
  getReadyTranscription,
  getTranscription,
  listTranscriptions,
  renameSpeakers,
  toTranscription,
  transcribeRecording,
} from "../../services/transcriptions";
import {
  type bulkDeleteTranscriptionsRoute,
  type createTranscriptionRoute,
  type deleteTranscriptionRoute,
  getTranscriptionRoute,
  type insightsRoute,
  type listTranscriptionsRoute,
  type renameSpeakersRoute,
  type transcriptAccessLinkRoute,
  type transcriptRoute,
} from "./transcriptions.routes";

export const create: RouteHandler<typeof createTranscriptionRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { orgId } = c.get("auth");
  const { db, queues } = c.var.deps;
  const row =
    "recordingId" in body
      ? await transcribeRecording(db, queues, orgId, body, transcriptionConfigured(c.env))
      : await importTranscript(db, orgId, {
          ...body,
          segments: "segments" in body ? body.segments : subtitleSegments(body.format, body.content),
        });
  c.header("Location", pathTo(getTranscriptionRoute.path, { transcriptionId: row.id }));
  return c.json(toTranscription(row), 201);
};

export const list: RouteHandler<typeof listTranscriptionsRoute, AppEnv> = async (c) =>
  c.json(await listTranscriptions(c.var.deps.db, c.get("auth").orgId, c.req.valid("query")), 200);

export const get: RouteHandler<typeof getTranscriptionRoute, AppEnv> = async (c) => {
  const row = await getTranscription(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").transcriptionId);
  return c.json(toTranscription(row), 200);
};

export const remove: RouteHandler<typeof deleteTranscriptionRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  if (!(await deleteTranscription(c.var.deps.db, c.get("auth").orgId, transcriptionId))) {
    throw new ApiError("not_found", `No transcription ${transcriptionId}.`);
  }
  return c.body(null, 204);
};

export const bulkDelete: RouteHandler<typeof bulkDeleteTranscriptionsRoute, AppEnv> = async (c) => {
  await deleteTranscriptionsLater(c.var.deps.queues, c.get("auth").orgId, c.req.valid("json").transcriptionIds);
  return c.body(null, 204);
};

export const transcript: RouteHandler<typeof transcriptRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  const file = await exportTranscript(c.var.deps.db, c.get("auth").orgId, transcriptionId, c.req.valid("query").format);
  const headers = {
    "Content-Type": file.contentType,
    "Content-Disposition": `attachment; filename="${file.filename}"`,
  };
  return new Response(file.body, { status: 200, headers }) as never;
};

export const renameSpeakersHandler: RouteHandler<typeof renameSpeakersRoute, AppEnv> = async (c) => {
  const { transcriptionId } = c.req.valid("param");
  const row = await renameSpeakers(c.var.deps.db, c.get("auth").orgId, transcriptionId, c.req.valid("json"));
  return c.json(toTranscription(row), 200);
};

export const accessLink: RouteHandler<typeof transcriptAccessLinkRoute, AppEnv> = async (c) => {
  const secret = fileTokenSecret(c.env);
  const { transcriptionId } = c.req.valid("param");
  const row = await getReadyTranscription(c.var.deps.db, c.get("auth").orgId, transcriptionId);
  const expires = Date.now() + c.req.valid("query").validForSeconds * 1000;
  const token = await signFileToken(secret, row.id, expires, "transcript");
  const base = publicBaseUrl(c.env, c.req.url);
  return c.json({ accessLink: `${base}/files/transcripts/${row.id}?token=${token}`, expires }, 200);
};

export const insights: RouteHandler<typeof insightsRoute, AppEnv> = async (c) =>
  c.json(await transcriptInsights(c.var.deps.db, c.get("auth").orgId, c.req.valid("param").transcriptionId), 200);
