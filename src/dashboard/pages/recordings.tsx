import { Hono } from "hono";
import { fileTokenSecret } from "../../env";
import type { DashboardMember } from "../../services/dashboard-sessions";
import {
  getRecording,
  listRecordings,
  type Recording,
  recordingLinkPath,
  removeRecording,
  toRecording,
} from "../../services/recordings";
import { dashboardAction } from "../action";
import type { DashboardEnv } from "../env";
import { requireRole } from "../session";
import { ActionButton, DataTable, formatDate, Layout, megabytes, NextPage } from "../ui";

const SELF = "/dashboard/recordings";
const PAGE_SIZE = 25;
/** How long the player's link stays valid: long enough to listen to a long meeting from one page view. */
const PLAYER_LINK_MS = 4 * 60 * 60 * 1000;

const duration = (seconds: number | null) =>
  seconds === null ? "—" : `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;

function RecordingsPage(props: { member: DashboardMember; recordings: Recording[]; cursor: string | null }) {
  return (
    <Layout title="Recordings" member={props.member} current={SELF}>
      <DataTable headings={["File", "Room", "Size", "Duration", "Created"]}>
        {props.recordings.map((r) => (
          <tr>
            <td>
              <a href={`${SELF}/${r.recordingId}`}>{r.filename}</a>
            </td>
            <td>{r.roomName ?? "—"}</td>
            <td>{megabytes(r.sizeInBytes)}</td>
            <td>{duration(r.durationInSeconds)}</td>
            <td>{formatDate(r.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      {props.recordings.length === 0 && <p class="muted">No recordings yet.</p>}
      <NextPage path={SELF} query={{}} cursor={props.cursor} />
    </Layout>
  );
}

function RecordingPage(props: { member: DashboardMember; recording: Recording; src: string }) {
  const { member, recording: r } = props;
  const label = `Play ${r.filename}`;
  return (
    <Layout title={r.filename} member={member} current={SELF}>
      <p>
        <a href={SELF}>All recordings</a> · <code>{r.recordingId}</code> · {megabytes(r.sizeInBytes)} · {r.contentType}
      </p>
      {/* The browser streams the file in ranges from Parley's signed link; the Worker never holds it whole. */}
      {r.contentType.startsWith("video/") ? (
        // biome-ignore lint/a11y/useMediaCaption: a recording's text is its transcript, on the Transcriptions page.
        <video class="player" controls preload="metadata" src={props.src} aria-label={label} />
      ) : (
        // biome-ignore lint/a11y/useMediaCaption: a recording's text is its transcript, on the Transcriptions page.
        <audio class="player" controls preload="metadata" src={props.src} aria-label={label} />
      )}
      <p>
        <a href={props.src} download={r.filename}>
          Download
        </a>
      </p>
      <dl class="card">
        <dt>Room</dt>
        <dd>{r.roomName ?? "—"}</dd>
        <dt>Started</dt>
        <dd>{formatDate(r.startDate)}</dd>
        <dt>Duration</dt>
        <dd>{duration(r.durationInSeconds)}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code>{r.sha256 ?? "—"}</code>
        </dd>
      </dl>
      {member.role !== "agent" && (
        <ActionButton member={member} action={`${SELF}/${r.recordingId}/delete`} label="Delete recording" danger />
      )}
    </Layout>
  );
}

/** Recordings: every role lists and plays them; owners and admins delete them (bytes gone, as the API's DELETE). */
export const recordingsPages = new Hono<DashboardEnv>()
  .get(SELF, async (c) => {
    const { orgId } = c.get("member");
    const page = await listRecordings(c.var.deps.db, orgId, { limit: PAGE_SIZE, cursor: c.req.query("cursor") });
    return c.html(<RecordingsPage member={c.get("member")} recordings={page.results} cursor={page.cursor} />);
  })
  .get(`${SELF}/:recordingId`, async (c) => {
    const secret = fileTokenSecret(c.env);
    const { orgId } = c.get("member");
    const row = await getRecording(c.var.deps.db, orgId, c.req.param("recordingId"));
    const src = await recordingLinkPath(row, secret, Date.now() + PLAYER_LINK_MS);
    return c.html(<RecordingPage member={c.get("member")} recording={toRecording(row)} src={src} />);
  })
  .post(`${SELF}/:recordingId/delete`, requireRole("owner", "admin"), async (c) => {
    const { orgId } = c.get("member");
    const recordingId = c.req.param("recordingId");
    const { db, bucket } = c.var.deps;
    const event = await dashboardAction(c, { route: `${SELF}/{recordingId}/delete`, objectId: recordingId }, () =>
      removeRecording(db, bucket, c.var.deps.gateOf(orgId), orgId, recordingId),
    );
    c.var.deps.publish(event);
    return c.redirect(SELF, 303);
  });
