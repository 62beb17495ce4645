import type { PageContext, RepositoryDetail } from "../data/dashboard-types.ts";
import { formatCount, formatTime, formatUsd } from "./format-figures.ts";
import { html } from "./html.ts";
import { renderLayout } from "./render-layout.ts";

/**
 * A repository's page: its code index, the `.github/revue.yml` its newest review ran with and the
 * problems found in it, its memories (repository ones with a delete form: POST with the CSRF
 * token), the findings the memory gate suppressed and why, and its newest reviews. Pure.
 */
export function renderRepositoryPage(data: RepositoryDetail, ctx: PageContext): string {
  const base = ctx.basePath.replace(/\/+$/, "");
  const { repository, index, config } = data;
  const content = html` <h1>${repository.fullName}</h1>
    <p class="muted">
      ${repository.private ? "Private" : "Public"}
      repository${repository.defaultBranch ? html`, default branch <code>${repository.defaultBranch}</code>` : ""}.
    </p>

    <section aria-labelledby="index">
      <h2 id="index">Code index</h2>
      ${
        index === null
          ? html`<p>Not indexed yet.</p>`
          : html`<dl>
                <dt>Commit</dt>
                <dd><code>${index.commitSha ?? "none"}</code></dd>
                <dt>Files</dt>
                <dd>${formatCount(index.files)}</dd>
                <dt>Chunks</dt>
                <dd>${formatCount(index.chunks)}</dd>
                <dt>Embedding model</dt>
                <dd>${index.embeddingModel}</dd>
                <dt>Last indexed</dt>
                <dd>${formatTime(index.indexedAt)}</dd>
              </dl>
              ${
                index.skipped.length === 0
                  ? html`<p>No file skipped.</p>`
                  : html`<table>
                      <caption>
                        Files skipped, by reason
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Reason</th>
                          <th scope="col" class="num">Files</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${index.skipped.map(
                          (s) =>
                            html`<tr>
                              <td>${s.reason}</td>
                              <td class="num">${formatCount(s.files)}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`
              }`
      }
    </section>

    <section aria-labelledby="config">
      <h2 id="config">Configuration</h2>
      ${
        config === null
          ? html`<p>No review has recorded its configuration yet.</p>`
          : html`<p class="muted">
                As read by
                <a href="${base}/reviews/${config.reviewId}">review ${config.reviewId}</a>
                (${formatTime(config.recordedAt)}) from <code>.github/revue.yml</code>.
              </p>
              ${
                config.problems.length === 0
                  ? html`<p>No problems found in it.</p>`
                  : html`<h3 class="problem">Problems (defaults used instead)</h3>
                      <ul>
                        ${config.problems.map((p) => html`<li class="problem">${p}</li>`)}
                      </ul>`
              }
              <details>
                <summary>Settings in effect</summary>
                <pre><code>${JSON.stringify(config.values, null, 2)}</code></pre>
              </details>`
      }
    </section>

    <section aria-labelledby="memories">
      <h2 id="memories">Memories</h2>
      ${
        data.memories.length === 0
          ? html`<p>Nobody has taught Revue anything here yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">What Revue remembers</th>
                  <th scope="col">Applies to</th>
                  <th scope="col">Taught by</th>
                  <th scope="col" class="num">Uses</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                ${data.memories.map(
                  (m) =>
                    html`<tr>
                      <td>
                        ${m.statement}<br /><span class="muted"
                          >${m.kind}, from a
                          ${m.source}${m.pathGlob ? html`, files <code>${m.pathGlob}</code>` : ""}${m.author ? html`, pull requests by ${m.author}` : ""}</span
                        >
                      </td>
                      <td>
                        ${m.appliesTo === "repository" ? "this repository" : "every repository of the installation"}
                      </td>
                      <td>
                        ${m.sourceUrl ? html`<a href="${safeUrl(m.sourceUrl)}">${m.taughtBy}</a>` : m.taughtBy}
                      </td>
                      <td class="num">${formatCount(m.uses)}</td>
                      <td>${formatTime(m.lastUsedAt)}</td>
                      <td>
                        ${
                          m.deletable
                            ? html`<form
                                method="post"
                                action="${base}/repositories/${repository.id}/memories/${m.id}/delete"
                              >
                                <input type="hidden" name="csrf" value="${ctx.csrfToken}" /><button
                                  type="submit"
                                  aria-label="Delete memory ${m.id}: ${m.statement}"
                                >
                                  Delete
                                </button>
                              </form>`
                            : html`<span class="muted">forget with a command</span>`
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>

    <section aria-labelledby="suppressed">
      <h2 id="suppressed">Findings suppressed by memory</h2>
      ${
        data.suppressed.length === 0
          ? html`<p>None recorded.</p>`
          : html`<table>
              <caption class="muted">
                Dropped before posting because the team rejected a finding this similar
              </caption>
              <thead>
                <tr>
                  <th scope="col">Finding</th>
                  <th scope="col">File</th>
                  <th scope="col">Review</th>
                  <th scope="col" class="num">Similarity</th>
                  <th scope="col">Like rejected finding</th>
                </tr>
              </thead>
              <tbody>
                ${data.suppressed.map(
                  (s) =>
                    html`<tr>
                      <td>${s.severity} · ${s.category}: ${s.title}</td>
                      <td><code>${s.path}</code></td>
                      <td>
                        <a href="${base}/reviews/${s.reviewId}">review ${s.reviewId}</a>
                        (#${s.pullNumber})
                      </td>
                      <td class="num">${s.similarity.toFixed(2)}</td>
                      <td>${s.likeFindingId === null ? "–" : `finding ${s.likeFindingId}`}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>

    <section aria-labelledby="reviews">
      <h2 id="reviews">Newest reviews</h2>
      ${
        data.recentReviews.length === 0
          ? html`<p>No reviews yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Review</th>
                  <th scope="col">Pull request</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col" class="num">Findings posted</th>
                  <th scope="col" class="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                ${data.recentReviews.map(
                  (r) =>
                    html`<tr>
                      <th scope="row"><a href="${base}/reviews/${r.id}">${r.id}</a></th>
                      <td>#${r.pullNumber}</td>
                      <td>${r.status}</td>
                      <td>${formatTime(r.createdAt)}</td>
                      <td class="num">${formatCount(r.findingsPosted)}</td>
                      <td class="num">${formatUsd(r.costUsd)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  return renderLayout(repository.fullName, ctx, content);
}

/** Only http(s) links are rendered as links: a stored `javascript:` URL must not become one. */
export function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : "#";
}
