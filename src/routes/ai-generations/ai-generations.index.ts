import { createRouter } from "../../lib/openapi";
import {
  getFeedback,
  getKeypoints,
  postEmail,
  postFeedback,
  postKeypoints,
  postQuery,
} from "./ai-generations.handlers";
import {
  getFeedbackRoute,
  getKeypointsRoute,
  postEmailRoute,
  postFeedbackRoute,
  postKeypointsRoute,
  postQueryRoute,
} from "./ai-generations.routes";

export const aiGenerationsRouter = createRouter()
  .openapi(getKeypointsRoute, getKeypoints)
  .openapi(postKeypointsRoute, postKeypoints)
  .openapi(getFeedbackRoute, getFeedback)
  .openapi(postFeedbackRoute, postFeedback)
  .openapi(postEmailRoute, postEmail)
  .openapi(postQueryRoute, postQuery);
