import { Hono } from "hono";
import { API_KEY_SCOPES, type ApiKeyScope } from "../../db/schema";
import { type ApiKey, createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys";
import type { DashboardMember } from "../../services/dashboard-sessions";
import { dashboardAction } from "../action";
import type { DashboardContext, DashboardEnv } from "../env";
import { organizationView } from "../org-view";
import { formOf, requireRole } from "../session";
import { ActionButton, Csrf, DataTable, formatDate, Layout, Notice } from "../ui";

const SCOPE_HELP: Record<ApiKeyScope, string> = {
  read: "read: GET on data",
  write: "write: create, change and delete data",
  admin: "admin: API keys, webhooks, export and erasure",
};

function ApiKeysPage(props: {
  member: DashboardMember;
  keys: ApiKey[];
  created?: ApiKey & { key: string };
  error?: string;
}) {
  const { member, created } = props;
  return (
    <Layout title="API keys" member={member} current="/dashboard/api-keys">
      {created && (
        <Notice>
          <p>
            Key <b>{created.name}</b> created. Copy it now: it is shown only this once.
          </p>
          <p class="secret" id="new-key">
            {created.key}
          </p>
        </Notice>
      )}
      {props.error && <Notice kind="error">{props.error}</Notice>}
      <DataTable
        caption="Active keys"
        headings={["Name", "Prefix", "Scopes", "Created", "Last used", <span class="muted">Actions</span>]}
      >
        {props.keys.map((key) => (
          <tr>
            <td>{key.name}</td>
            <td>
              <code>{key.prefix}…</code>
            </td>
            <td>{key.scopes.join(", ")}</td>
            <td>{formatDate(key.createdAt)}</td>
            <td>{formatDate(key.lastUsedAt)}</td>
            <td>
              <ActionButton
                member={member}
                action={`/dashboard/api-keys/${key.id}/revoke`}
                label={`Revoke ${key.name}`}
                danger
              />
            </td>
          </tr>
        ))}
      </DataTable>
      <h2>Create a key</h2>
      <form method="post" action="/dashboard/api-keys" class="card">
        <Csrf member={member} />
        <label for="key-name">Name</label>
        <input id="key-name" name="name" required maxlength={100} />
        <fieldset>
          <legend>Scopes</legend>
          {API_KEY_SCOPES.map((scope) => (
            <label class="check">
              <input type="checkbox" name="scopes" value={scope} checked />
              {SCOPE_HELP[scope]}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create key</button>
      </form>
    </Layout>
  );
}

async function listAll(c: DashboardContext) {
  const { orgId } = c.get("member");
  return (await listApiKeys(c.var.deps.db, c.var.deps.gateOf(orgId), orgId, { limit: 100 })).results;
}

/** API keys (owners and admins): list, create with scopes (shown once), revoke. */
export const apiKeysPages = new Hono<DashboardEnv>()
  .use("/dashboard/api-keys", requireRole("owner", "admin"))
  .use("/dashboard/api-keys/*", requireRole("owner", "admin"))
  .get("/dashboard/api-keys", async (c) => c.html(<ApiKeysPage member={c.get("member")} keys={await listAll(c)} />))
  .post("/dashboard/api-keys", async (c) => {
    const member = c.get("member");
    const body = await c.req.parseBody({ all: true });
    const form = await formOf(c);
    const chosen = [body.scopes ?? []]
      .flat()
      .filter((s): s is ApiKeyScope => API_KEY_SCOPES.includes(s as ApiKeyScope));
    const name = (form.name ?? "").trim();
    if (name.length < 1 || name.length > 100 || chosen.length === 0) {
      const error = chosen.length === 0 ? "Choose at least one scope." : "Give the key a name of 1–100 characters.";
      return c.html(<ApiKeysPage member={member} keys={await listAll(c)} error={error} />, 400);
    }
    const { org } = await organizationView(c);
    const created = await dashboardAction(c, { route: "/dashboard/api-keys", createdId: (key) => key.id }, () =>
      createApiKey(c.var.deps.db, c.var.deps.gateOf(member.orgId), org, { name, scopes: chosen }),
    );
    return c.html(<ApiKeysPage member={member} keys={await listAll(c)} created={created} />);
  })
  .post("/dashboard/api-keys/:keyId/revoke", async (c) => {
    const member = c.get("member");
    const keyId = c.req.param("keyId");
    await dashboardAction(c, { route: "/dashboard/api-keys/{keyId}/revoke", objectId: keyId }, () =>
      revokeApiKey(c.var.deps.db, c.var.deps.gateOf(member.orgId), member.orgId, keyId),
    );
    return c.redirect("/dashboard/api-keys", 303);
  });
