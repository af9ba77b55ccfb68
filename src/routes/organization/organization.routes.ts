import { protectedRoute } from "../route-kit";
import { SelfOrganizationSchema } from "./organization.schemas";

export const getOrganizationRoute = protectedRoute({
  operationId: "getOrganization",
  method: "get",
  path: "/api/v1/organization",
  tags: ["Organization"],
  summary: "The calling organization, its limits and usage",
  description:
    "`usage.points` reflects the budget after this request was admitted. `limit`/`remaining` are `null` where unlimited.",
  scope: "read",
  responses: {
    200: { description: "The organization.", content: { "application/json": { schema: SelfOrganizationSchema } } },
  },
});
