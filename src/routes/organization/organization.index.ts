import { createRouter } from "../../lib/openapi";
import { getSelfOrganization } from "./organization.handlers";
import { getOrganizationRoute } from "./organization.routes";

export const organizationRouter = createRouter().openapi(getOrganizationRoute, getSelfOrganization);
