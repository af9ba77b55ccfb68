import { createRouter } from "../../lib/openapi";
import {
  abort,
  accessLink,
  bulkDelete,
  complete,
  get,
  list,
  putPart,
  remove,
  startUpload,
  upload,
} from "./recordings.handlers";
import {
  abortUploadRoute,
  accessLinkRoute,
  bulkDeleteRoute,
  completeUploadRoute,
  createUploadRoute,
  deleteRecordingRoute,
  getRecordingRoute,
  listRecordingsRoute,
  uploadPartRoute,
  uploadRecordingRoute,
} from "./recordings.routes";

export const recordingsRouter = createRouter()
  .openapi(createUploadRoute, startUpload)
  .openapi(uploadPartRoute, putPart)
  .openapi(completeUploadRoute, complete)
  .openapi(abortUploadRoute, abort)
  .openapi(bulkDeleteRoute, bulkDelete)
  .openapi(uploadRecordingRoute, upload)
  .openapi(listRecordingsRoute, list)
  .openapi(getRecordingRoute, get)
  .openapi(deleteRecordingRoute, remove)
  .openapi(accessLinkRoute, accessLink);
