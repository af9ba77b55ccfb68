import { ListQuery, listSchema, SECRET_RESPONSE_HEADERS } from "../../lib/openapi";
import { ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema, KeyIdParam } from "../api-keys/api-keys.schemas";
import { operatorRoute } from "../route-kit";
import {
  AdminOrganizationSchema,
  CreateInvitationBody,
  CreateOrganizationBody,
  InvitationSchema,
  OrganizationIdParam,
  UpdateOrganizationBody,
} from "./admin-organizations.schemas";

const tags = ["Operator"];
const orgResponse = { "application/json": { schema: AdminOrganizationSchema } };

export const createOrganizationRoute = operatorRoute({
  operationId: "adminCreateOrganization",
  method: "post",
  path: "/admin/v1/organizations",
  tags,
  summary: "Create an organization",
  request: {
    body: { required: true, content: { "application/json": { schema: CreateOrganizationBody } } },
  },
  responses: {
    201: { description: "Created.", content: orgResponse },
  },
});

export const listOrganizationsRoute = operatorRoute({
  operationId: "adminListOrganizations",
  method: "get",
  path: "/admin/v1/organizations",
  tags,
  summary: "List organizations",
  description: "Newest first.",
  request: { query: ListQuery },
  responses: {
    200: {
      description: "A page of organizations.",
      content: { "application/json": { schema: listSchema(AdminOrganizationSchema, "AdminOrganizationList") } },
    },
  },
});

export const getOrganizationRoute = operatorRoute({
  operationId: "adminGetOrganization",
  method: "get",
  path: "/admin/v1/organizations/{organizationId}",
  tags,
  summary: "Get an organization",
  request: { params: OrganizationIdParam },
  errors: [404],
  responses: {
    200: { description: "The organization.", content: orgResponse },
  },
});

export const updateOrganizationRoute = operatorRoute({
  operationId: "adminUpdateOrganization",
  method: "patch",
  path: "/admin/v1/organizations/{organizationId}",
  tags,
  summary: "Change name, plan, status or limit overrides",
  description: "Takes effect on the organization's next request.",
  request: {
    params: OrganizationIdParam,
    body: { required: true, content: { "application/json": { schema: UpdateOrganizationBody } } },
  },
  errors: [404],
  responses: {
    200: { description: "The updated organization.", content: orgResponse },
  },
});

export const createOrganizationKeyRoute = operatorRoute({
  operationId: "adminCreateApiKey",
  method: "post",
  path: "/admin/v1/organizations/{organizationId}/api-keys",
  tags,
  summary: "Issue an API key for an organization (how the first key is made)",
  description: "Subject to the plan's key count (403 `plan_limit_reached`). The secret is shown once.",
  request: {
    params: OrganizationIdParam,
    body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } },
  },
  errors: [403, 404],
  responses: {
    201: {
      description: "The new key, with its secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: { "application/json": { schema: CreatedApiKeySchema } },
    },
  },
});

export const getOrganizationKeyRoute = operatorRoute({
  operationId: "adminGetApiKey",
  method: "get",
  path: "/admin/v1/organizations/{organizationId}/api-keys/{keyId}",
  tags,
  summary: "Get an API key of an organization",
  description: "An active key, without its secret; a revoked key, or one of another organization, is 404.",
  request: { params: OrganizationIdParam.extend(KeyIdParam.shape) },
  errors: [404],
  responses: {
    200: { description: "The key.", content: { "application/json": { schema: ApiKeySchema } } },
  },
});

export const createInvitationRoute = operatorRoute({
  method: "post",
  path: "/admin/v1/organizations/{organizationId}/invitations",
  operationId: "createInvitation",
  tags,
  summary: "Invite a dashboard member (how the first owner is made)",
  description:
    "A single-use link, valid for 7 days, to the dashboard page where the invited person sets their name and a " +
    "password (12–128 characters). An email address that already belongs to a member is 409 `conflict`.",
  request: {
    params: OrganizationIdParam,
    body: { required: true, content: { "application/json": { schema: CreateInvitationBody } } },
  },
  errors: [404, 409],
  responses: {
    201: {
      description: "The invitation and its link.",
      headers: SECRET_RESPONSE_HEADERS,
      content: { "application/json": { schema: InvitationSchema } },
    },
  },
});
