import { createRouter } from "../../lib/openapi";
import { getRecordingFile, getRoomLogo, recordingFileHook } from "./files.handlers";
import { getRoomLogoRoute, recordingFileRoute } from "./files.routes";

export const filesRouter = createRouter()
  .openapi(getRoomLogoRoute, getRoomLogo)
  .openapi(recordingFileRoute, getRecordingFile, recordingFileHook);
