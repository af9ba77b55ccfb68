import type { DailyUsagePoint } from "../durable-objects/org-gate";

const WIDTH = 600;
const HEIGHT = 200;
const PAD = { top: 10, right: 10, bottom: 24, left: 40 };

/** A round axis maximum at or above `max` (1, 2, 5 × 10ⁿ). */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((step) => step * power >= max) ?? 10) * power;
}

/**
 * Requests and AI generations per day as a server-rendered SVG bar chart (paired bars per day), with the numbers
 * also in a table for screen readers and anyone who wants them.
 */
export function UsageChart(props: { points: DailyUsagePoint[] }) {
  const { points } = props;
  const top = niceMax(Math.max(...points.map((p) => Math.max(p.requests, p.aiGenerations)), 0));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(points.length, 1);
  const bar = Math.max(1, slot / 2 - 1);
  const y = (value: number) => PAD.top + plotHeight - (value / top) * plotHeight;
  const totalRequests = points.reduce((sum, p) => sum + p.requests, 0);
  const totalAi = points.reduce((sum, p) => sum + p.aiGenerations, 0);
  const first = points[0]?.date ?? "";
  const last = points.at(-1)?.date ?? "";
  return (
    <figure class="chart card">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="usage-chart-title">
        <title id="usage-chart-title">
          {`Requests (${totalRequests}) and AI generations (${totalAi}) per day, ${first} to ${last}`}
        </title>
        {[0, top / 2, top].map((tick) => (
          <g>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} stroke="#e3e6ea" />
            <text x={PAD.left - 4} y={y(tick) + 4} text-anchor="end" font-size="11" fill="#5b6470">
              {String(tick)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = PAD.left + i * slot;
          return (
            <g>
              <rect class="bar-req" x={x} y={y(p.requests)} width={bar} height={plotHeight + PAD.top - y(p.requests)}>
                <title>{`${p.date}: ${p.requests} requests`}</title>
              </rect>
              <rect
                class="bar-ai"
                x={x + bar + 1}
                y={y(p.aiGenerations)}
                width={bar}
                height={plotHeight + PAD.top - y(p.aiGenerations)}
              >
                <title>{`${p.date}: ${p.aiGenerations} AI generations`}</title>
              </rect>
            </g>
          );
        })}
        <text x={PAD.left} y={HEIGHT - 6} font-size="11" fill="#5b6470">
          {first}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 6} font-size="11" fill="#5b6470" text-anchor="end">
          {last}
        </text>
      </svg>
      <figcaption class="legend">
        <span class="bar-req" aria-hidden="true" />
        Requests ({totalRequests})<span class="bar-ai" aria-hidden="true" />
        AI generations ({totalAi}), per UTC day
      </figcaption>
      <details>
        <summary>The numbers</summary>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Requests</th>
                <th scope="col">AI generations</th>
              </tr>
            </thead>
            <tbody>
              {points
                .filter((p) => p.requests > 0 || p.aiGenerations > 0)
                .map((p) => (
                  <tr>
                    <td>{p.date}</td>
                    <td>{p.requests}</td>
                    <td>{p.aiGenerations}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
