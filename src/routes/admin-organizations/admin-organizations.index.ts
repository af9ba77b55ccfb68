import { createRouter } from "../../lib/openapi";
import { create, createKey, get, getKey, invite, list, update } from "./admin-organizations.handlers";
import {
  createInvitationRoute,
  createOrganizationKeyRoute,
  createOrganizationRoute,
  getOrganizationKeyRoute,
  getOrganizationRoute,
  listOrganizationsRoute,
  updateOrganizationRoute,
} from "./admin-organizations.routes";

export const adminOrganizationsRouter = createRouter()
  .openapi(createOrganizationRoute, create)
  .openapi(listOrganizationsRoute, list)
  .openapi(getOrganizationRoute, get)
  .openapi(updateOrganizationRoute, update)
  .openapi(createOrganizationKeyRoute, createKey)
  .openapi(getOrganizationKeyRoute, getKey)
  .openapi(createInvitationRoute, invite);
