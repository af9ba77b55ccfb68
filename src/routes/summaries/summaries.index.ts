import { createRouter } from "../../lib/openapi";
import { create, get, list, remove } from "./summaries.handlers";
import { createSummaryRoute, deleteSummaryRoute, getSummaryRoute, listSummariesRoute } from "./summaries.routes";

export const summariesRouter = createRouter()
  .openapi(createSummaryRoute, create)
  .openapi(listSummariesRoute, list)
  .openapi(getSummaryRoute, get)
  .openapi(deleteSummaryRoute, remove);
