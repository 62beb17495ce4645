import type { Overview, PageContext } from "../data/dashboard-types.ts";
import { formatCount, formatDuration, formatShare, formatUsd } from "./format-figures.ts";
import { html } from "./html.ts";
import { renderBarChart, renderTimeSeriesChart } from "./render-charts.ts";
import { renderLayout } from "./render-layout.ts";

/** The overview page: what Revue did, what it cost, whether it helps, and its queues. Pure. */
export function renderOverviewPage(data: Overview, ctx: PageContext): string {
  const base = ctx.basePath.replace(/\/+$/, "");
  const from = data.range.from.slice(0, 10);
  const last = data.perDay.at(-1)?.day ?? from;
  const t = data.timeToReview;
  // Percentiles from the rollup's buckets (a range over 31 days): marked as approximate.
  const approx = t.approximate ? "≈ " : "";
  const content = html` <h1>Overview</h1>
    <p class="muted">
      Reviews created from ${from} to ${last} (UTC days), in the repositories you can see.
    </p>
    <ul class="figures" aria-label="Totals">
      <li>Reviews<strong>${formatCount(data.totals.reviews)}</strong></li>
      <li>Failed<strong>${formatCount(data.totals.failed)}</strong></li>
      <li>Tokens<strong>${formatCount(data.totals.tokens)}</strong></li>
      <li>Cost<strong>${formatUsd(data.totals.costUsd)}</strong></li>
      <li>Findings addressed<strong>${formatShare(data.findings.addressedShare)}</strong></li>
      <li>Findings dismissed<strong>${formatShare(data.findings.dismissedShare)}</strong></li>
      <li>Median time to review<strong>${approx}${formatDuration(t.medianMs)}</strong></li>
      <li>p95 time to review<strong>${approx}${formatDuration(t.p95Ms)}</strong></li>
    </ul>

    <section aria-labelledby="activity">
      <h2 id="activity">Reviews and cost per day</h2>
      ${renderTimeSeriesChart(
        {
          id: "reviews-per-day",
          title: "Reviews per day",
          description: `Reviews created each UTC day from ${from} to ${last}; ${formatCount(data.totals.reviews)} in all.`,
          xLabel: "Day (UTC)",
          yLabel: "Reviews",
          format: formatCount,
        },
        data.perDay.map((d) => ({ day: d.day, value: d.reviews })),
      )}
      ${renderTimeSeriesChart(
        {
          id: "cost-per-day",
          title: "Cost per day (US dollars)",
          description: `Model cost of the reviews created each UTC day; ${formatUsd(data.totals.costUsd)} in all.`,
          xLabel: "Day (UTC)",
          yLabel: "Cost (USD)",
          format: formatUsd,
        },
        data.perDay.map((d) => ({ day: d.day, value: d.costUsd })),
      )}
    </section>

    <section aria-labelledby="findings">
      <h2 id="findings">Findings</h2>
      <p>
        ${formatCount(data.findings.total)} findings: ${formatCount(data.findings.addressed)}
        addressed by a later push (${formatShare(data.findings.addressedShare)}),
        ${formatCount(data.findings.dismissed)} dismissed
        (${formatShare(data.findings.dismissedShare)}).
      </p>
      ${renderBarChart(
        {
          id: "findings-by-severity",
          title: "Findings by severity",
          description: data.findingsBySeverity.map((s) => `${s.severity}: ${s.count}`).join(", "),
          xLabel: "Severity",
          yLabel: "Findings",
          format: formatCount,
        },
        data.findingsBySeverity.map((s) => ({ label: s.severity, value: s.count })),
      )}
    </section>

    <section aria-labelledby="speed">
      <h2 id="speed">Time to review</h2>
      <p>
        Median ${formatDuration(t.medianMs)}, p95 ${formatDuration(t.p95Ms)}, over
        ${formatCount(t.count)} posted reviews. Measured as ${t.measure}.
        ${
          t.approximate
            ? "Over more than 31 days the median and p95 are approximate: interpolated in buckets of durations 10 to 25% wide (wider beyond 30 minutes), so off by about a bucket's width."
            : ""
        }
      </p>
      ${renderBarChart(
        {
          id: "time-to-review",
          title: "Time to review, distribution",
          description: `How many posted reviews took how long; median ${formatDuration(t.medianMs)}, p95 ${formatDuration(t.p95Ms)}.`,
          xLabel: "Time to review",
          yLabel: "Reviews",
          format: formatCount,
        },
        t.histogram.map((b) => ({
          label: b.toMs === null ? `≥ ${formatDuration(b.fromMs)}` : `< ${formatDuration(b.toMs)}`,
          value: b.count,
        })),
      )}
    </section>

    <section aria-labelledby="repositories">
      <h2 id="repositories">Cost per repository</h2>
      ${
        data.perRepository.length === 0
          ? html`<p>No reviews in this range.</p>`
          : html`<table>
              <caption class="muted">
                Repositories with reviews in the range, by cost
              </caption>
              <thead>
                <tr>
                  <th scope="col">Repository</th>
                  <th scope="col" class="num">Reviews</th>
                  <th scope="col" class="num">Failed</th>
                  <th scope="col" class="num">Tokens</th>
                  <th scope="col" class="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                ${data.perRepository.map(
                  (r) =>
                    html`<tr>
                      <th scope="row"><a href="${base}/repositories/${r.id}">${r.fullName}</a></th>
                      <td class="num">${formatCount(r.reviews)}</td>
                      <td class="num">${formatCount(r.failed)}</td>
                      <td class="num">${formatCount(r.tokens)}</td>
                      <td class="num">${formatUsd(r.costUsd)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <h3>All your repositories</h3>
      <ul>
        ${data.repositories.map((r) => html`<li><a href="${base}/repositories/${r.id}">${r.fullName}</a></li>`)}
      </ul>
    </section>

    <section aria-labelledby="queue">
      <h2 id="queue">Queues now</h2>
      ${
        data.queue === null
          ? html`<p>Queue figures are not available here.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col" class="num">Waiting</th>
                  <th scope="col" class="num">Running</th>
                  <th scope="col" class="num">Failed for good (dead letters)</th>
                </tr>
              </thead>
              <tbody>
                ${data.queue.map(
                  (q) =>
                    html`<tr>
                      <th scope="row">${q.name}</th>
                      <td class="num">${formatCount(q.queued)}</td>
                      <td class="num">${formatCount(q.active)}</td>
                      <td class="num">${formatCount(q.deadLettered)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  return renderLayout("Overview", ctx, content);
}
