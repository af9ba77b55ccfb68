import { createRouter } from "../../lib/openapi";
import { create, get, list } from "./exports.handlers";
import { createExportRoute, getExportRoute, listExportsRoute } from "./exports.routes";

export const exportsRouter = createRouter()
  .openapi(createExportRoute, create)
  .openapi(listExportsRoute, list)
  .openapi(getExportRoute, get);
