import { createRouter } from "../../lib/openapi";
import {
  accessLink,
  bulkDelete,
  create,
  get,
  insights,
  list,
  remove,
  renameSpeakersHandler,
  transcript,
} from "./transcriptions.handlers";
import { createTranscriptionHook } from "./transcriptions.hooks";
import {
  bulkDeleteTranscriptionsRoute,
  createTranscriptionRoute,
  deleteTranscriptionRoute,
  getTranscriptionRoute,
  insightsRoute,
  listTranscriptionsRoute,
  renameSpeakersRoute,
  transcriptAccessLinkRoute,
  transcriptRoute,
} from "./transcriptions.routes";

export const transcriptionsRouter = createRouter()
  .openapi(createTranscriptionRoute, create, createTranscriptionHook)
  .openapi(bulkDeleteTranscriptionsRoute, bulkDelete)
  .openapi(listTranscriptionsRoute, list)
  .openapi(getTranscriptionRoute, get)
  .openapi(deleteTranscriptionRoute, remove)
  .openapi(transcriptRoute, transcript)
  .openapi(renameSpeakersRoute, renameSpeakersHandler)
  .openapi(transcriptAccessLinkRoute, accessLink)
  .openapi(insightsRoute, insights);
