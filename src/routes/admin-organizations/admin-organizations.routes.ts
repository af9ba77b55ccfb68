import { createRoute } from "@hono/zod-openapi";
import {
  errorResponses,
  IdempotencyKeyHeader,
  ListQuery,
  listSchema,
  SECRET_RESPONSE_HEADERS,
} from "../../lib/openapi";
import { ADMIN_SECURITY, ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema, IdParam } from "../shared.schemas";
import { AdminOrganizationSchema, CreateOrganizationBody, UpdateOrganizationBody } from "./admin-organizations.schemas";

const tags = ["Operator"];
const ADMIN_ERRORS = [401, 500] as const;
const orgParam = IdParam("id", "org_2nXq8Lw0cPz7VbH1kT5mYd");
const orgResponse = { "application/json": { schema: AdminOrganizationSchema } };

export const createOrganizationRoute = createRoute({
  method: "post",
  path: "/admin/v1/organizations",
  tags,
  summary: "Create an organization",
  security: ADMIN_SECURITY,
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: CreateOrganizationBody } } },
  },
  responses: {
    201: { description: "Created.", content: orgResponse },
    ...errorResponses(400, 409, 413, 415, 422, ...ADMIN_ERRORS),
  },
});

export const listOrganizationsRoute = createRoute({
  method: "get",
  path: "/admin/v1/organizations",
  tags,
  summary: "List organizations",
  description: "Newest first.",
  security: ADMIN_SECURITY,
  request: { query: ListQuery },
  responses: {
    200: {
      description: "A page of organizations.",
      content: { "application/json": { schema: listSchema(AdminOrganizationSchema, "AdminOrganizationList") } },
    },
    ...errorResponses(400, ...ADMIN_ERRORS),
  },
});

export const getOrganizationRoute = createRoute({
  method: "get",
  path: "/admin/v1/organizations/{id}",
  tags,
  summary: "Get an organization",
  security: ADMIN_SECURITY,
  request: { params: orgParam },
  responses: {
    200: { description: "The organization.", content: orgResponse },
    ...errorResponses(404, ...ADMIN_ERRORS),
  },
});

export const updateOrganizationRoute = createRoute({
  method: "patch",
  path: "/admin/v1/organizations/{id}",
  tags,
  summary: "Change name, plan, status or limit overrides",
  description: "Takes effect on the organization's next request.",
  security: ADMIN_SECURITY,
  request: {
    params: orgParam,
    body: { required: true, content: { "application/json": { schema: UpdateOrganizationBody } } },
  },
  responses: {
    200: { description: "The updated organization.", content: orgResponse },
    ...errorResponses(400, 404, 413, 415, ...ADMIN_ERRORS),
  },
});

export const createOrganizationKeyRoute = createRoute({
  method: "post",
  path: "/admin/v1/organizations/{id}/api-keys",
  tags,
  summary: "Issue an API key for an organization (how the first key is made)",
  description: "Subject to the plan's key count (403 `plan_limit_reached`). The secret is shown once.",
  security: ADMIN_SECURITY,
  request: {
    params: orgParam,
    headers: IdempotencyKeyHeader,
    body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } },
  },
  responses: {
    201: {
      description: "The new key, with its secret.",
      headers: SECRET_RESPONSE_HEADERS,
      content: { "application/json": { schema: CreatedApiKeySchema } },
    },
    ...errorResponses(400, 403, 404, 409, 413, 415, 422, ...ADMIN_ERRORS),
  },
});

export const getOrganizationKeyRoute = createRoute({
  method: "get",
  path: "/admin/v1/organizations/{id}/api-keys/{keyId}",
  tags,
  summary: "Get an API key of an organization",
  description: "An active key, without its secret; a revoked key, or one of another organization, is 404.",
  security: ADMIN_SECURITY,
  request: { params: orgParam.extend(IdParam("keyId", "key_4Vd0Qy2WbZ8hTq1nR6sXpL").shape) },
  responses: {
    200: { description: "The key.", content: { "application/json": { schema: ApiKeySchema } } },
    ...errorResponses(404, ...ADMIN_ERRORS),
  },
});
