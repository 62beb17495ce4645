import type { PageContext, ReviewDetail } from "../data/dashboard-types.ts";
import { formatCount, formatDuration, formatTime, formatUsd } from "./format-figures.ts";
import { html } from "./html.ts";
import { renderLayout } from "./render-layout.ts";
import { safeUrl } from "./render-repository-page.ts";

/**
 * A review's page: a link to the pull request, its findings as posted and where each was
 * anchored, what was suppressed, folded or listed in the summary and why, the context used,
 * tokens, cost and timings. Pure.
 */
export function renderReviewPage(data: ReviewDetail, ctx: PageContext): string {
  const base = ctx.basePath.replace(/\/+$/, "");
  const { review, usage, timings, report } = data;
  const title = `Review ${review.id} of ${review.repository.fullName}#${review.pullNumber}`;
  const content = html` <h1>${title}</h1>
    <p>
      <a href="${safeUrl(review.pullRequestUrl)}">Pull request #${review.pullNumber} on GitHub</a> ·
      repository
      <a href="${base}/repositories/${review.repository.id}">${review.repository.fullName}</a>
    </p>
    <dl>
      <dt>Status</dt>
      <dd>${review.status}${review.statusReason ? html` (${review.statusReason})` : ""}</dd>
      <dt>Review</dt>
      <dd>
        ${review.mode}, triggered by ${review.trigger},
        <code>${review.fromSha.slice(0, 12)}</code>…<code>${review.headSha.slice(0, 12)}</code>
      </dd>
      <dt>Files</dt>
      <dd>
        ${formatCount(review.filesReviewed)} reviewed of ${formatCount(review.filesTotal)} changed
      </dd>
    </dl>

    <section aria-labelledby="usage">
      <h2 id="usage">Tokens, cost and timings</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col" class="num">Value</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Model</th>
            <td class="num">${usage.model ?? "–"} (${formatCount(usage.modelCalls)} calls)</td>
          </tr>
          <tr>
            <th scope="row">Input tokens</th>
            <td class="num">${formatCount(usage.inputTokens)}</td>
          </tr>
          <tr>
            <th scope="row">Output tokens</th>
            <td class="num">${formatCount(usage.outputTokens)}</td>
          </tr>
          <tr>
            <th scope="row">Cache read tokens</th>
            <td class="num">${formatCount(usage.cacheReadTokens)}</td>
          </tr>
          <tr>
            <th scope="row">Cache write tokens</th>
            <td class="num">${formatCount(usage.cacheWriteTokens)}</td>
          </tr>
          <tr>
            <th scope="row">Cost</th>
            <td class="num">${formatUsd(usage.costUsd)}</td>
          </tr>
          <tr>
            <th scope="row">Push received</th>
            <td class="num">${formatTime(timings.receivedAt)}</td>
          </tr>
          <tr>
            <th scope="row">Review started</th>
            <td class="num">${formatTime(timings.createdAt)}</td>
          </tr>
          <tr>
            <th scope="row">Finished</th>
            <td class="num">${formatTime(timings.finishedAt)}</td>
          </tr>
          <tr>
            <th scope="row">Review took</th>
            <td class="num">${formatDuration(timings.durationMs)}</td>
          </tr>
          <tr>
            <th scope="row">Push to review</th>
            <td class="num">${formatDuration(timings.pushToReviewMs)}</td>
          </tr>
        </tbody>
      </table>
    </section>

    <section aria-labelledby="findings">
      <h2 id="findings">Findings as posted</h2>
      ${
        data.findings.length === 0
          ? html`<p>No findings.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Finding</th>
                  <th scope="col">Anchored at</th>
                  <th scope="col">Posted as</th>
                  <th scope="col">Status now</th>
                  <th scope="col">Reactions</th>
                </tr>
              </thead>
              <tbody>
                ${data.findings.map(
                  (f) =>
                    html`<tr>
                      <td>
                        <strong>${f.severity} · ${f.category}: ${f.title}</strong>
                        <details>
                          <summary>Explanation</summary>
                          <p>${f.body}</p>
                        </details>
                      </td>
                      <td>
                        <code>${f.path}</code> ${f.side === "LEFT" ? "old" : "new"} line
                        ${f.startLine !== null && f.startLine !== f.line ? `${f.startLine}–` : ""}${f.line ?? "–"}
                      </td>
                      <td>
                        ${f.commentUrl ? html`<a href="${safeUrl(f.commentUrl)}">inline comment</a>` : "in the summary"}
                      </td>
                      <td>
                        ${f.status}${f.addressedAt ? html` (${formatTime(f.addressedAt)})` : ""}
                      </td>
                      <td>
                        👍 ${f.thumbsUp} · 👎 ${f.thumbsDown}${f.rebutted ? " · rebutted" : ""}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>

    <section aria-labelledby="not-posted">
      <h2 id="not-posted">Not posted inline, and why</h2>
      ${
        report === null
          ? html`<p>
              Not recorded for this review (it predates the recording, or it did not post).
            </p>`
          : html` <h3>Suppressed by team memory</h3>
              ${
                report.suppressed.length === 0
                  ? html`<p>None.</p>`
                  : html`<ul>
                      ${report.suppressed.map((s) => html`<li>${s.severity} · ${s.title} (<code>${s.path}</code>): ${s.similarity.toFixed(2)} similar to rejected finding ${s.likeFindingId ?? "–"}</li>`)}
                    </ul>`
              }
              <h3>Listed in the summary</h3>
              ${
                report.listedInSummary.length === 0
                  ? html`<p>None.</p>`
                  : html`<ul>
                      ${report.listedInSummary.map((s) => html`<li>${s.severity} · ${s.title} (<code>${s.path}</code>): ${s.note}</li>`)}
                    </ul>`
              }
              <h3>Folded below the severity threshold</h3>
              ${
                report.folded.length === 0
                  ? html`<p>None.</p>`
                  : html`<ul>
                      ${report.folded.map((s) => html`<li>${s.severity} · ${s.title} (<code>${s.path}</code>)</li>`)}
                    </ul>`
              }
              <p>
                ${formatCount(report.carriedForward)} findings still open from earlier reviews were
                not repeated.
              </p>`
      }
    </section>

    <section aria-labelledby="context">
      <h2 id="context">Context and configuration</h2>
      ${
        report === null
          ? html`<p>Not recorded for this review.</p>`
          : html` <h3>Context files from the code index</h3>
              ${
                report.contextFiles.length === 0
                  ? html`<p>None.</p>`
                  : html`<ul>
                      ${report.contextFiles.map((p) => html`<li><code>${p}</code></li>`)}
                    </ul>`
              }
              <h3>Memories in the prompt</h3>
              <p>
                ${report.memoryIds.length === 0 ? "None." : report.memoryIds.map((id) => `memory ${id}`).join(", ")}
              </p>
              <h3>Changed files not shown to the model</h3>
              ${
                report.skippedFiles.length === 0
                  ? html`<p>None.</p>`
                  : html`<table>
                      <thead>
                        <tr>
                          <th scope="col">File</th>
                          <th scope="col">Why</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${report.skippedFiles.map(
                          (s) =>
                            html`<tr>
                              <td><code>${s.path}</code></td>
                              <td>${s.reason}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`
              }
              <h3>Problems in .github/revue.yml</h3>
              ${
                report.configProblems.length === 0
                  ? html`<p>None.</p>`
                  : html`<ul>
                      ${report.configProblems.map((p) => html`<li class="problem">${p}</li>`)}
                    </ul>`
              }`
      }
    </section>`;
  return renderLayout(title, ctx, content);
}
