import { Hono } from "hono";
import { textProvider } from "../../ai/provider-config";
import { ApiError } from "../../lib/errors";
import {
  generateCached,
  getCachedGeneration,
  type KeypointsResult,
  transcriptSegments,
} from "../../services/ai-generations";
import type { DashboardMember } from "../../services/dashboard-sessions";
import { listSummaries, type Summary } from "../../services/summaries";
import type { SpeakerInsights } from "../../services/transcript-insights";
import { transcriptInsights } from "../../services/transcript-reads";
import type { TranscriptSegment } from "../../services/transcript-segments";
import {
  getTranscription,
  listTranscriptions,
  renameSpeakers,
  type Transcription,
  toTranscription,
} from "../../services/transcriptions";
import { dashboardAction } from "../action";
import type { DashboardContext, DashboardEnv } from "../env";
import { formOf, requireRole } from "../session";
import { Csrf, DataTable, formatDate, Layout } from "../ui";

const SELF = "/dashboard/transcriptions";
const LABEL_FIELD = "label:";

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

function TranscriptionsPage(props: { member: DashboardMember; transcriptions: Transcription[] }) {
  return (
    <Layout title="Transcriptions" member={props.member} current={SELF}>
      <DataTable headings={["Transcription", "State", "Speakers", "Duration", "Created"]}>
        {props.transcriptions.map((t) => (
          <tr>
            <td>
              <a href={`${SELF}/${t.transcriptionId}`}>{t.roomName ?? t.transcriptionId}</a>
            </td>
            <td>{t.state}</td>
            <td>{t.speakers.join(", ")}</td>
            <td>{t.durationInSeconds === null ? "—" : clock(t.durationInSeconds)}</td>
            <td>{formatDate(t.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      {props.transcriptions.length === 0 && <p class="muted">No transcriptions yet.</p>}
    </Layout>
  );
}

/** Talk time per speaker as server-rendered SVG bars, from the transcript's insights. */
function TalkTimeChart(props: { speakers: SpeakerInsights[] }) {
  const row = 28;
  const height = props.speakers.length * row + 4;
  return (
    <figure class="chart card">
      <svg viewBox={`0 0 600 ${height}`} role="img" aria-labelledby="talk-time-title">
        <title id="talk-time-title">
          {`Talk time: ${props.speakers.map((s) => `${s.speaker} ${s.talkTimePct}%`).join(", ")}`}
        </title>
        {props.speakers.map((s, i) => (
          <g>
            <text x="0" y={i * row + 18} font-size="13" fill="#1c1f24">
              {s.speaker.slice(0, 18)}
            </text>
            <rect
              class="bar-req"
              x="150"
              y={i * row + 4}
              width={Math.max(1, (s.talkTimePct / 100) * 380)}
              height="18"
            />
            <text x={156 + (s.talkTimePct / 100) * 380} y={i * row + 18} font-size="13" fill="#1c1f24">
              {`${s.talkTimePct}% · ${clock(s.talkTimeSeconds)}`}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

function TranscriptionPage(props: {
  member: DashboardMember;
  transcription: Transcription;
  labels: { label: string; name: string }[];
  segments: TranscriptSegment[];
  summary: Summary | null;
  keypoints: KeypointsResult | null;
  speakers: SpeakerInsights[];
}) {
  const { member, transcription: t, summary, keypoints } = props;
  const canRename = member.role !== "agent";
  const canGenerate = canRename && t.state === "ready";
  return (
    <Layout title={t.roomName ?? "Transcription"} member={member} current={SELF}>
      <p>
        <a href={SELF}>All transcriptions</a> · <code>{t.transcriptionId}</code> · {t.state}
        {t.durationInSeconds !== null && ` · ${clock(t.durationInSeconds)}`}
      </p>
      {t.state !== "ready" && <p class="muted">{t.error ?? "The transcript is not ready yet."}</p>}
      {summary && (
        <section class="card" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Summary</h2>
          {summary.summary ? (
            <>
              <p>{summary.summary.summary}</p>
              {summary.summary.sections.map((section) => (
                <>
                  <h3>{section.heading}</h3>
                  <ul>
                    {section.points.map((point) => (
                      <li>{point}</li>
                    ))}
                  </ul>
                </>
              ))}
            </>
          ) : (
            <p class="muted">Summary {summary.state}.</p>
          )}
        </section>
      )}
      {keypoints && (
        <section class="card" aria-labelledby="keypoints-heading">
          <h2 id="keypoints-heading">Key points: {keypoints.title}</h2>
          {keypoints.decisions.length > 0 && (
            <>
              <h3>Decisions</h3>
              <ul>
                {keypoints.decisions.map((d) => (
                  <li>{d}</li>
                ))}
              </ul>
            </>
          )}
          {keypoints.actionItems.length > 0 && (
            <>
              <h3>Action items</h3>
              <ul>
                {keypoints.actionItems.map((a) => (
                  <li>
                    {a.item}
                    {a.owner && ` (${a.owner})`}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      {canGenerate && (
        <form method="post" action={`${SELF}/${t.transcriptionId}/keypoints`}>
          <Csrf member={member} />
          {keypoints && <input type="hidden" name="refresh" value="1" />}
          <button type="submit" class={keypoints ? "secondary" : undefined}>
            {keypoints ? "Regenerate key points" : "Generate key points"}
          </button>{" "}
          <span class="muted">Uses one AI generation of this month's quota.</span>
        </form>
      )}
      {props.speakers.length > 0 && (
        <>
          <h2>Talk time</h2>
          <TalkTimeChart speakers={props.speakers} />
        </>
      )}
      {canRename && props.labels.length > 0 && (
        <details class="card">
          <summary>Rename speakers</summary>
          <form method="post" action={`${SELF}/${t.transcriptionId}/speakers`}>
            <Csrf member={member} />
            {props.labels.map(({ label, name }) => (
              <>
                <label for={`speaker-${label}`}>Name for {label}</label>
                <input id={`speaker-${label}`} name={`${LABEL_FIELD}${label}`} value={name} maxlength={100} />
              </>
            ))}
            <button type="submit">Save names</button>
          </form>
        </details>
      )}
      <h2>Transcript</h2>
      <div class="card" id="transcript">
        {props.segments.map((s) => (
          <p class="seg">
            <time>{clock(s.start)}</time>
            <b>{s.speaker}</b>: {s.text}
          </p>
        ))}
      </div>
    </Layout>
  );
}

async function detail(c: DashboardContext) {
  const { orgId } = c.get("member");
  const db = c.var.deps.db;
  const row = await getTranscription(db, orgId, c.req.param("transcriptionId") ?? "");
  const ready = row.state === "ready";
  const [segments, summaries, keypoints, insights] = await Promise.all([
    ready ? transcriptSegments(db, row) : [],
    listSummaries(db, orgId, { limit: 1, transcriptionId: row.id }),
    ready ? getCachedGeneration(db, orgId, row.id, "keypoints", {}).catch(notFoundAsNull) : null,
    ready ? transcriptInsights(db, orgId, row.id) : null,
  ]);
  const labels = row.speakerLabels.map((label) => ({ label, name: row.speakerNames?.[label] ?? label }));
  return c.html(
    <TranscriptionPage
      member={c.get("member")}
      transcription={toTranscription(row)}
      labels={labels}
      segments={segments}
      summary={summaries.results[0] ?? null}
      keypoints={keypoints}
      speakers={insights?.speakers ?? []}
    />,
  );
}

function notFoundAsNull(error: unknown): null {
  if (error instanceof ApiError && error.status === 404) return null;
  throw error;
}

/** Transcriptions (every role reads; owners and admins rename speakers). */
export const transcriptionsPages = new Hono<DashboardEnv>()
  .get(SELF, async (c) => {
    const { orgId } = c.get("member");
    const page = await listTranscriptions(c.var.deps.db, orgId, { limit: 50 });
    return c.html(<TranscriptionsPage member={c.get("member")} transcriptions={page.results} />);
  })
  .get(`${SELF}/:transcriptionId`, (c) => detail(c))
  .post(`${SELF}/:transcriptionId/keypoints`, requireRole("owner", "admin"), async (c) => {
    const { orgId } = c.get("member");
    const transcriptionId = c.req.param("transcriptionId");
    const { refresh } = await formOf(c);
    // The API's generation, on the organization's AI quota (an exhausted quota is the 429 page); no points.
    const deps = { db: c.var.deps.db, gate: c.var.deps.gateOf(orgId), provider: () => textProvider(c.env) };
    await dashboardAction(c, { route: `${SELF}/{transcriptionId}/keypoints`, objectId: transcriptionId }, () =>
      generateCached(deps, orgId, transcriptionId, "keypoints", {}, refresh === "1"),
    );
    return c.redirect(`${SELF}/${transcriptionId}`, 303);
  })
  .post(`${SELF}/:transcriptionId/speakers`, requireRole("owner", "admin"), async (c) => {
    const { orgId } = c.get("member");
    const transcriptionId = c.req.param("transcriptionId");
    const form = await formOf(c);
    const renames: Record<string, string | null> = {};
    for (const [field, value] of Object.entries(form)) {
      if (!field.startsWith(LABEL_FIELD)) continue;
      const label = field.slice(LABEL_FIELD.length);
      const name = value.trim().slice(0, 100);
      renames[label] = name === "" || name === label ? null : name;
    }
    await dashboardAction(c, { route: `${SELF}/{transcriptionId}/speakers`, objectId: transcriptionId }, () =>
      renameSpeakers(c.var.deps.db, orgId, transcriptionId, renames),
    );
    return c.redirect(`${SELF}/${transcriptionId}`, 303);
  });
