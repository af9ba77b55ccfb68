import type { Context } from "hono";
import type { DashboardEnv } from "../env";
import { Layout, Notice } from "../ui";

type ErrorStatus = 400 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** An error as a page (the dashboard's answer where the API answers problem+json). */
export function errorPage(c: Context<DashboardEnv>, status: ErrorStatus, title: string, detail: string) {
  const member = c.get("member");
  return c.html(
    <Layout title={title} member={member}>
      <Notice kind="error">{detail}</Notice>
      <p>
        <a href={member ? "/dashboard" : "/dashboard/sign-in"}>Back to the dashboard</a>
      </p>
    </Layout>,
    status,
    { "Cache-Control": "no-store" },
  );
}

export const forbiddenPage = (c: Context<DashboardEnv>, detail: string) => errorPage(c, 403, "Not allowed", detail);
