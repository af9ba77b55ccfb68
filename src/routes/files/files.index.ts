import { createRouter } from "../../lib/openapi";
import { getRecordingFile, getRoomLogo, getTranscriptFile, recordingFileHook } from "./files.handlers";
import { getRoomLogoRoute, recordingFileRoute, transcriptFileRoute } from "./files.routes";

export const filesRouter = createRouter()
  .openapi(getRoomLogoRoute, getRoomLogo)
  .openapi(recordingFileRoute, getRecordingFile, recordingFileHook)
  .openapi(transcriptFileRoute, getTranscriptFile);
