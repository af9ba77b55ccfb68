import { Hono } from "hono";
import { meetingConfig } from "../../env";
import { CreateMeetingBody } from "../../routes/meetings/meetings.schemas";
import type { DashboardMember } from "../../services/dashboard-sessions";
import { createMeeting, listMeetings, type Meeting, toMeeting } from "../../services/meetings";
import { dashboardAction } from "../action";
import type { DashboardContext, DashboardEnv } from "../env";
import { formOf, requireRole } from "../session";
import {
  Csrf,
  DataTable,
  FormErrors,
  formatDate,
  Layout,
  localInputOf,
  NextPage,
  Notice,
  utcFromLocalInput,
} from "../ui";
import { formRefusal, parseLikeTheApi } from "../validate";

const SELF = "/dashboard/meetings";
const PAGE_SIZE = 25;

interface MeetingsView {
  member: DashboardMember;
  meetings: Meeting[];
  cursor: string | null;
  prefix?: string;
  created?: Meeting;
  refusal?: { message: string; errors?: { location: string; message: string }[] };
  form?: Record<string, string>;
}

function CreateMeetingForm(props: { member: DashboardMember; form?: Record<string, string> }) {
  const form = props.form ?? {};
  const choice = (name: string, value: string, fallback: string) => (form[name] ?? fallback) === value;
  return (
    <form method="post" action={SELF} class="card">
      <Csrf member={props.member} />
      <label for="meeting-end">Ends at (UTC)</label>
      <input
        id="meeting-end"
        name="endDate"
        type="datetime-local"
        required
        value={form.endDate ?? localInputOf(Date.now() + 60 * 60 * 1000)}
      />
      <label for="meeting-prefix">Room name prefix (letters, digits, hyphens)</label>
      <input id="meeting-prefix" name="roomNamePrefix" maxlength={39} value={form.roomNamePrefix ?? ""} />
      <label for="meeting-pattern">Room name</label>
      <select id="meeting-pattern" name="roomNamePattern">
        <option value="uuid" selected={choice("roomNamePattern", "uuid", "uuid")}>
          Long (uuid)
        </option>
        <option value="human-short" selected={choice("roomNamePattern", "human-short", "uuid")}>
          Short (6 characters)
        </option>
      </select>
      <label for="meeting-mode">Room mode</label>
      <select id="meeting-mode" name="roomMode">
        <option value="normal" selected={choice("roomMode", "normal", "normal")}>
          Normal (small meetings)
        </option>
        <option value="group" selected={choice("roomMode", "group", "normal")}>
          Group (larger meetings)
        </option>
      </select>
      <label for="meeting-recording">Recording</label>
      <select id="meeting-recording" name="recordingType">
        {(["none", "local", "cloud"] as const).map((type) => (
          <option value={type} selected={choice("recordingType", type, "none")}>
            {type}
          </option>
        ))}
      </select>
      <label class="check">
        <input type="checkbox" name="isLocked" checked={form.isLocked === "on"} />
        Locked (guests knock to enter)
      </label>
      <label for="meeting-metadata">Metadata (returned as given)</label>
      <input id="meeting-metadata" name="metadata" maxlength={1000} value={form.metadata ?? ""} />
      <button type="submit">Create meeting</button>
    </form>
  );
}

function MeetingsPage(props: MeetingsView) {
  const { member, created } = props;
  const canCreate = member.role !== "agent";
  return (
    <Layout title="Meetings" member={member} current={SELF}>
      {created && (
        <Notice>
          <p id="new-meeting" data-meeting={created.meetingId}>
            Meeting <b>{created.roomName}</b> created, usable until an hour after {formatDate(created.endDate)}.
          </p>
          <p>
            Room: <a href={created.roomUrl}>{created.roomUrl}</a>
          </p>
          {created.hostRoomUrl && (
            <p>
              Host link (keep it private): <span class="secret">{created.hostRoomUrl}</span>
            </p>
          )}
        </Notice>
      )}
      <form method="get" action={SELF} class="inline">
        <label for="filter-prefix">Room names starting with</label>
        <input id="filter-prefix" name="roomNamePrefix" value={props.prefix ?? ""} maxlength={39} />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <DataTable headings={["Room", "Ends", "Mode", "Recording", "Created"]}>
        {props.meetings.map((m) => (
          <tr>
            <td>
              <a href={m.roomUrl}>{m.roomName}</a>
              {m.isLocked && " (locked)"}
            </td>
            <td>{formatDate(m.endDate)}</td>
            <td>{m.roomMode}</td>
            <td>{m.recording.type}</td>
            <td>{formatDate(m.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      {props.meetings.length === 0 && <p class="muted">No meetings.</p>}
      <NextPage path={SELF} query={{ roomNamePrefix: props.prefix }} cursor={props.cursor} />
      {canCreate && (
        <>
          <h2>Create a meeting</h2>
          {props.refusal && <FormErrors {...props.refusal} />}
          <CreateMeetingForm member={member} form={props.form} />
        </>
      )}
    </Layout>
  );
}

async function render(c: DashboardContext, extra: Partial<MeetingsView> = {}, status: 200 | 400 = 200) {
  const { orgId } = c.get("member");
  const config = meetingConfig(c.env);
  const prefix = c.req.query("roomNamePrefix") || undefined;
  const page = await listMeetings(c.var.deps.db, orgId, {
    limit: PAGE_SIZE,
    cursor: c.req.query("cursor"),
    roomNamePrefix: prefix,
  });
  const meetings = await Promise.all(page.results.map((row) => toMeeting(row, config, [])));
  return c.html(
    <MeetingsPage member={c.get("member")} meetings={meetings} cursor={page.cursor} prefix={prefix} {...extra} />,
    status,
  );
}

/** The create form as the API's body: the same schema decides what is valid. */
function meetingBody(form: Record<string, string>) {
  return {
    endDate: utcFromLocalInput(form.endDate),
    roomNamePrefix: form.roomNamePrefix || undefined,
    roomNamePattern: form.roomNamePattern || undefined,
    roomMode: form.roomMode || undefined,
    isLocked: form.isLocked === "on",
    recording: { type: form.recordingType || "none" },
    metadata: form.metadata || undefined,
    fields: ["hostRoomUrl"],
  };
}

/** Meetings: every role lists them (keyset pages, as the API); owners and admins create them. */
export const meetingsPages = new Hono<DashboardEnv>()
  .get(SELF, (c) => render(c))
  .post(SELF, requireRole("owner", "admin"), async (c) => {
    const form = await formOf(c);
    const { orgId } = c.get("member");
    const config = meetingConfig(c.env);
    try {
      const created = await dashboardAction(c, { route: SELF, createdId: (made) => made.row.id }, async () =>
        createMeeting(c.var.deps.db, orgId, parseLikeTheApi(CreateMeetingBody, "json", meetingBody(form))),
      );
      c.var.deps.publish(created.event);
      return render(c, { created: await toMeeting(created.row, config, ["hostRoomUrl"]) });
    } catch (error) {
      return render(c, { refusal: formRefusal(error), form }, 400);
    }
  });
