import type { Child } from "hono/jsx";
import type { MemberRole } from "../db/schema";
import type { DashboardMember } from "../services/dashboard-sessions";
import { CSRF_FIELD } from "./session";
import { STYLESHEET_PATH } from "./styles";

interface NavItem {
  href: string;
  label: string;
  roles: readonly MemberRole[];
}

const ALL: readonly MemberRole[] = ["owner", "admin", "agent"];
const MANAGERS: readonly MemberRole[] = ["owner", "admin"];

/** The pages, and which roles see them (the same roles the routes enforce). */
export const NAV: readonly NavItem[] = [
  { href: "/dashboard", label: "Overview", roles: ALL },
  { href: "/dashboard/meetings", label: "Meetings", roles: ALL },
  { href: "/dashboard/recordings", label: "Recordings", roles: ALL },
  { href: "/dashboard/transcriptions", label: "Transcriptions", roles: ALL },
  { href: "/dashboard/api-keys", label: "API keys", roles: MANAGERS },
  { href: "/dashboard/webhooks", label: "Webhooks", roles: MANAGERS },
  { href: "/dashboard/members", label: "Members", roles: MANAGERS },
  { href: "/dashboard/audit-log", label: "Audit log", roles: MANAGERS },
  { href: "/dashboard/data", label: "Data", roles: MANAGERS },
];

export function Layout(props: { title: string; member?: DashboardMember; current?: string; children?: Child }) {
  const { member } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Parley`}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
      </head>
      <body>
        <header>
          <span class="org">{member ? member.orgName : "Parley"}</span>
          {member && (
            <nav aria-label="Dashboard">
              <ul>
                {NAV.filter((item) => item.roles.includes(member.role)).map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.href === props.current ? "page" : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {member && (
            <form class="inline" method="post" action="/dashboard/sign-out">
              <Csrf member={member} />
              <button type="submit" class="secondary">
                Sign out ({member.name}, {member.role})
              </button>
            </form>
          )}
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** The session's CSRF token, in every state-changing form. */
export function Csrf(props: { member: DashboardMember }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.member.csrfToken} />;
}

export function Notice(props: { kind?: "error" | "info"; children?: Child }) {
  return (
    <div class={props.kind === "error" ? "notice error" : "notice"} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

/** A one-button form that POSTs to `action` (revoke, delete, rotate…). */
export function ActionButton(props: {
  member: DashboardMember;
  action: string;
  label: string;
  danger?: boolean;
  fields?: Record<string, string>;
}) {
  return (
    <form class="inline" method="post" action={props.action}>
      <Csrf member={props.member} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.danger ? "danger" : "secondary"}>
        {props.label}
      </button>
    </form>
  );
}

export const formatDate = (iso: string | null | undefined) =>
  iso ? iso.replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC") : "—";

/** The "next page" link of a keyset-paged list: the same query with the page's cursor. */
export function NextPage(props: { path: string; query: Record<string, string | undefined>; cursor: string | null }) {
  if (!props.cursor) return null;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(props.query)) if (value) params.set(name, value);
  params.set("cursor", props.cursor);
  return (
    <p>
      <a href={`${props.path}?${params}`} rel="next">
        Next page
      </a>
    </p>
  );
}

/** A refused form's problems, one per field (the API's own validation messages). */
export function FormErrors(props: { message: string; errors?: readonly { location: string; message: string }[] }) {
  return (
    <Notice kind="error">
      <p>{props.message}</p>
      {props.errors && props.errors.length > 0 && (
        <ul>
          {props.errors.map((e) => (
            <li>
              <code>{e.location.replace(/^(body|query)\./, "")}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

/** `datetime-local` has no time zone: the dashboard's forms read and show times in UTC. */
export function utcFromLocalInput(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value) ? `${value}:00Z` : value.endsWith("Z") ? value : `${value}Z`;
}

export const localInputOf = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export const megabytes = (bytes: number | null) => (bytes === null ? "—" : `${(bytes / 1_000_000).toFixed(1)} MB`);

/** A list page's table: scrolls sideways on narrow screens; `headings` are the column headers, `children` the rows. */
export function DataTable(props: { id?: string; caption?: string; headings: readonly Child[]; children?: Child }) {
  return (
    <div class="scroll">
      <table id={props.id}>
        {props.caption && <caption class="muted">{props.caption}</caption>}
        <thead>
          <tr>
            {props.headings.map((heading) => (
              <th scope="col">{heading}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
