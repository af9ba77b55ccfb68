import { createRouter } from "../../lib/openapi";
import { getExportFile, getRecordingFile, getRoomLogo, getTranscriptFile, recordingFileHook } from "./files.handlers";
import { exportFileRoute, getRoomLogoRoute, recordingFileRoute, transcriptFileRoute } from "./files.routes";

export const filesRouter = createRouter()
  .openapi(getRoomLogoRoute, getRoomLogo)
  .openapi(recordingFileRoute, getRecordingFile, recordingFileHook)
  .openapi(transcriptFileRoute, getTranscriptFile)
  .openapi(exportFileRoute, getExportFile);
