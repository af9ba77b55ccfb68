import { Hono } from "hono";
import { AuditLogQuery } from "../../routes/audit-log/audit-log.schemas";
import { listAuditLog, type PublicAuditEntry } from "../../services/audit-log";
import type { DashboardMember } from "../../services/dashboard-sessions";
import type { DashboardEnv } from "../env";
import { requireRole } from "../session";
import { DataTable, FormErrors, formatDate, Layout, NextPage, utcFromLocalInput } from "../ui";
import { formRefusal, parseLikeTheApi } from "../validate";

const SELF = "/dashboard/audit-log";
const METHODS = ["POST", "PUT", "PATCH", "DELETE", "GET"] as const;
const FILTERS = ["limit", "keyId", "method", "objectId", "createdAt[from]", "createdAt[to]"] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

function AuditLogPage(props: {
  member: DashboardMember;
  entries: PublicAuditEntry[];
  cursor: string | null;
  filters: Filters;
  refusal?: { message: string; errors?: { location: string; message: string }[] };
}) {
  const f = props.filters;
  return (
    <Layout title="Audit log" member={props.member} current={SELF}>
      <form method="get" action={SELF} class="card grid">
        <div>
          <label for="audit-method">Method</label>
          <select id="audit-method" name="method">
            <option value="">Any</option>
            {METHODS.map((m) => (
              <option value={m} selected={f.method === m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-object">Object id</label>
          <input id="audit-object" name="objectId" value={f.objectId ?? ""} />
        </div>
        <div>
          <label for="audit-key">API key id</label>
          <input id="audit-key" name="keyId" value={f.keyId ?? ""} />
        </div>
        <div>
          <label for="audit-from">From (UTC)</label>
          <input id="audit-from" name="createdAt[from]" type="datetime-local" value={f["createdAt[from]"] ?? ""} />
        </div>
        <div>
          <label for="audit-to">To (UTC)</label>
          <input id="audit-to" name="createdAt[to]" type="datetime-local" value={f["createdAt[to]"] ?? ""} />
        </div>
        <div>
          <button type="submit">Filter</button> <a href={SELF}>Clear</a>
        </div>
      </form>
      {props.refusal && <FormErrors {...props.refusal} />}
      <DataTable headings={["When", "Who", "Request", "Object", "Status"]}>
        {props.entries.map((e) => (
          <tr>
            <td>{formatDate(e.createdAt)}</td>
            <td>
              {e.actorType} <code>{e.keyId ?? e.memberId ?? ""}</code>
            </td>
            <td>
              {e.method} <code>{e.route}</code>
            </td>
            <td>
              <code>{e.objectId ?? "—"}</code>
            </td>
            <td>{e.status}</td>
          </tr>
        ))}
      </DataTable>
      {props.entries.length === 0 && !props.refusal && <p class="muted">Nothing recorded matches.</p>}
      <NextPage path={SELF} query={f} cursor={props.cursor} />
    </Layout>
  );
}

/** The audit log (owners and admins): the API's list with its §9 filters, newest first, in keyset pages. */
export const auditLogPages = new Hono<DashboardEnv>().get(SELF, requireRole("owner", "admin"), async (c) => {
  const filters: Filters = {};
  for (const name of FILTERS) {
    const value = c.req.query(name);
    if (value) filters[name] = value;
  }
  const query = {
    ...filters,
    limit: filters.limit ?? "50",
    cursor: c.req.query("cursor"),
    "createdAt[from]": utcFromLocalInput(filters["createdAt[from]"]),
    "createdAt[to]": utcFromLocalInput(filters["createdAt[to]"]),
  };
  const member = c.get("member");
  try {
    const page = await listAuditLog(c.var.deps.db, member.orgId, parseLikeTheApi(AuditLogQuery, "query", query));
    return c.html(<AuditLogPage member={member} entries={page.results} cursor={page.cursor} filters={filters} />);
  } catch (error) {
    const refusal = formRefusal(error);
    return c.html(<AuditLogPage member={member} entries={[]} cursor={null} filters={filters} refusal={refusal} />, 400);
  }
});
