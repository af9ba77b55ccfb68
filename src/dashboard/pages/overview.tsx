import type { BudgetState, DailyUsagePoint, OrgSnapshot } from "../../durable-objects/org-gate";
import { iso } from "../../lib/time";
import type { DashboardMember } from "../../services/dashboard-sessions";
import { UsageChart } from "../chart";
import { formatDate, Layout } from "../ui";

const count = (n: number) => n.toLocaleString("en-US");

function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function OverviewPage(props: {
  member: DashboardMember;
  org: OrgSnapshot;
  points: BudgetState;
  daily: DailyUsagePoint[];
}) {
  const { org, points } = props;
  const ai = org.aiGenerations;
  return (
    <Layout title="Overview" member={props.member} current="/dashboard">
      <div class="grid">
        <div class="card stat">
          Plan <b>{org.plan}</b>
          <span class="muted">{org.status}</span>
        </div>
        <div class="card stat">
          Points left now
          <b>
            {count(points.remaining)} / {count(points.limit)}
          </b>
          <span class="muted">per minute; full again {formatDate(iso(points.resetAtMs))}</span>
        </div>
        <div class="card stat">
          AI generations this cycle
          <b>
            {count(ai.used)} / {ai.limit === null ? "unlimited" : count(ai.limit)}
          </b>
          <span class="muted">new cycle {formatDate(iso(ai.resetAtMs))}</span>
        </div>
        <div class="card stat">
          Storage <b>{bytes(org.storageBytes)}</b>
        </div>
        <div class="card stat">
          Transcription minutes <b>{count(Math.round(org.transcriptionSeconds / 60))}</b>
        </div>
      </div>
      <h2>The last 30 days</h2>
      <UsageChart points={props.daily} />
    </Layout>
  );
}
