import { Hono } from "hono";
import type { ErasureField } from "../../db/schema";
import { fileTokenSecret, publicBaseUrl } from "../../env";
import { CreateErasureBody } from "../../routes/erasure/erasure.schemas";
import type { DashboardMember } from "../../services/dashboard-sessions";
import { createErasure, listRecentErasures, type toErasure } from "../../services/erasures";
import { createExport, type DataExport, listExports } from "../../services/exports";
import { dashboardAction } from "../action";
import type { DashboardContext, DashboardEnv } from "../env";
import { formOf, requireRole } from "../session";
import { Csrf, DataTable, FormErrors, formatDate, Layout, NextPage, Notice } from "../ui";
import { formRefusal, parseLikeTheApi } from "../validate";

const SELF = "/dashboard/data";
const FIELDS: Record<ErasureField, string> = {
  displayName: "Display name",
  email: "Email address",
  externalId: "External id",
};

type Erasure = ReturnType<typeof toErasure>;

interface DataView {
  member: DashboardMember;
  exports: DataExport[];
  cursor: string | null;
  erasures: Erasure[];
  requested?: string;
  refusal?: { message: string; errors?: { location: string; message: string }[] };
}

function ErasureCard(props: { erasure: Erasure; requested: boolean }) {
  const e = props.erasure;
  return (
    <section class="card" data-erasure={e.erasureId} data-state={e.state} aria-label={`Erasure ${e.erasureId}`}>
      <p>
        <code>{e.erasureId}</code> · {FIELDS[e.subject.field as ErasureField] ?? e.subject.field}{" "}
        <code title="SHA-256 of the subject">{e.subject.sha256.slice(0, 12)}…</code> · <b>{e.state}</b>
        {e.completedAt && ` · done ${formatDate(e.completedAt)}`}
        {props.requested && " (just requested)"}
      </p>
      <table>
        <tbody>
          {Object.entries(e.counts).map(([name, count]) => (
            <tr>
              <th scope="row">{name}</th>
              <td>{count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function DataPage(props: DataView) {
  const { member } = props;
  return (
    <Layout title="Data" member={member} current={SELF}>
      <h2>Exports</h2>
      <p class="muted">
        Every record of the organization as one JSON document (no secrets). Download links are valid for an hour;
        exports are deleted after 7 days.
      </p>
      <form method="post" action={`${SELF}/exports`}>
        <Csrf member={member} />
        <button type="submit">Create an export</button>
      </form>
      <DataTable id="exports" headings={["Export", "State", "Size", "Created", "Download"]}>
        {props.exports.map((x) => (
          <tr>
            <td>
              <code>{x.exportId}</code>
            </td>
            <td>{x.state}</td>
            <td>{x.sizeInBytes === null ? "—" : `${x.sizeInBytes} bytes`}</td>
            <td>{formatDate(x.createdAt)}</td>
            <td>{x.accessLink ? <a href={x.accessLink}>Download {x.exportId}</a> : "—"}</td>
          </tr>
        ))}
      </DataTable>
      {props.exports.length === 0 && <p class="muted">No exports in the last 7 days.</p>}
      <NextPage path={SELF} query={{}} cursor={props.cursor} />

      <h2>Erasure</h2>
      <p class="muted">
        Removes or redacts one person everywhere (participants, transcripts, speaker names, AI results). The person is
        recorded only as a SHA-256 hash.
      </p>
      {props.refusal && <FormErrors {...props.refusal} />}
      {props.requested && <Notice>Erasure {props.requested} requested; its state and counts are below.</Notice>}
      <form method="post" action={`${SELF}/erasure`} class="card">
        <Csrf member={member} />
        <label for="erasure-field">Identify the person by</label>
        <select id="erasure-field" name="field">
          {Object.entries(FIELDS).map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
        <label for="erasure-value">Value</label>
        <input id="erasure-value" name="value" required maxlength={320} autocomplete="off" />
        <button type="submit" class="danger">
          Erase this person
        </button>
      </form>
      {props.erasures.map((erasure) => (
        <ErasureCard erasure={erasure} requested={erasure.erasureId === props.requested} />
      ))}
    </Layout>
  );
}

async function render(c: DashboardContext, extra: Partial<DataView> = {}, status: 200 | 400 = 200) {
  const { orgId } = c.get("member");
  const db = c.var.deps.db;
  const links = { baseUrl: publicBaseUrl(c.env, c.req.url), fileTokenSecret: fileTokenSecret(c.env) };
  const [exports, erasures] = await Promise.all([
    listExports(db, orgId, { limit: 20, cursor: c.req.query("cursor") }, links),
    listRecentErasures(db, orgId),
  ]);
  return c.html(
    <DataPage
      member={c.get("member")}
      exports={exports.results}
      cursor={exports.cursor}
      erasures={erasures}
      requested={c.req.query("erasure")}
      {...extra}
    />,
    status,
  );
}

/** Data (owners and admins): exports with their download links, erasure requests with their state and counts. */
export const dataPages = new Hono<DashboardEnv>()
  .use(SELF, requireRole("owner", "admin"))
  .use(`${SELF}/*`, requireRole("owner", "admin"))
  .get(SELF, (c) => render(c))
  .post(`${SELF}/exports`, async (c) => {
    const { orgId } = c.get("member");
    const { db, bucket, queues } = c.var.deps;
    const baseUrl = publicBaseUrl(c.env, c.req.url);
    await dashboardAction(c, { route: `${SELF}/exports`, createdId: (row) => row.id }, () =>
      createExport({ db, bucket, queues }, orgId, baseUrl),
    );
    return c.redirect(SELF, 303);
  })
  .post(`${SELF}/erasure`, async (c) => {
    const { orgId } = c.get("member");
    const form = await formOf(c);
    try {
      const row = await dashboardAction(c, { route: `${SELF}/erasure`, createdId: (made) => made.id }, async () => {
        const body = parseLikeTheApi(CreateErasureBody, "json", { [form.field ?? ""]: form.value ?? "" });
        const [field, value] = Object.entries(body).find(([, v]) => v !== undefined) as [ErasureField, string];
        return createErasure(c.var.deps, orgId, { field, value });
      });
      return c.redirect(`${SELF}?erasure=${row.id}`, 303);
    } catch (error) {
      return render(c, { refusal: formRefusal(error) }, 400);
    }
  });
