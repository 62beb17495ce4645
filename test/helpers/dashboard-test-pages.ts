import type { DashboardPages, PageContext } from "../../src/dashboard/web/dashboard-pages.ts";
import type { DashboardScope } from "../../src/dashboard/web/read-user-access.ts";
import { escapeHtml } from "../../src/dashboard/web/render-sign-in-pages.ts";

/**
 * Small data functions and pages that keep the contract of src/dashboard (the scope filters every
 * row: its installation and its repository must be in it), for testing the routes on their own.
 */
type Overview = { repositories: { id: number; fullName: string }[]; reviews: number };
type RepositoryDetail = {
  id: number;
  fullName: string;
  memories: { id: number; statement: string; taughtBy: string }[];
};
type ReviewDetail = { id: number; repositoryId: number; pullNumber: number };

const inScope = (scope: DashboardScope) => ({
  installations: scope.installationIds.length > 0 ? scope.installationIds : [-1],
  repositories: scope.repositoryIds.length > 0 ? scope.repositoryIds : [-1],
});

export const testDashboardPages: DashboardPages<Overview, RepositoryDetail, ReviewDetail> = {
  async readOverview(db, scope) {
    const { installations, repositories } = inScope(scope);
    const rows = await db
      .selectFrom("repositories")
      .select(["id", "full_name"])
      .where("installation_id", "in", installations)
      .where("id", "in", repositories)
      .orderBy("full_name")
      .execute();
    const reviews = await db
      .selectFrom("reviews")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("installation_id", "in", installations)
      .where("repository_id", "in", repositories)
      .executeTakeFirstOrThrow();
    return {
      repositories: rows.map((row) => ({ id: row.id, fullName: row.full_name })),
      reviews: Number(reviews.count),
    };
  },
  async readRepository(db, scope, repositoryId) {
    const { installations, repositories } = inScope(scope);
    const row = await db
      .selectFrom("repositories")
      .select(["id", "full_name"])
      .where("id", "=", repositoryId)
      .where("installation_id", "in", installations)
      .where("id", "in", repositories)
      .executeTakeFirst();
    if (!row) return null;
    const memories = await db
      .selectFrom("memories")
      .select(["id", "statement", "taught_by"])
      .where("repository_id", "=", repositoryId)
      .orderBy("id")
      .execute();
    return {
      id: row.id,
      fullName: row.full_name,
      memories: memories.map((m) => ({ id: m.id, statement: m.statement, taughtBy: m.taught_by })),
    };
  },
  async readReview(db, scope, reviewId) {
    const { installations, repositories } = inScope(scope);
    const row = await db
      .selectFrom("reviews")
      .select(["id", "repository_id", "pull_number"])
      .where("id", "=", reviewId)
      .where("installation_id", "in", installations)
      .where("repository_id", "in", repositories)
      .executeTakeFirst();
    return row
      ? { id: row.id, repositoryId: row.repository_id, pullNumber: row.pull_number }
      : null;
  },
  async deleteMemory(db, scope, memoryId) {
    const { installations, repositories } = inScope(scope);
    const result = await db
      .deleteFrom("memories")
      .where("id", "=", memoryId)
      .where("installation_id", "in", installations)
      .where("repository_id", "in", repositories)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
  renderOverviewPage: (data, ctx) =>
    page(
      "Overview",
      ctx,
      `<p>${data.reviews} reviews</p><ul>${data.repositories.map((r) => `<li><a href="${ctx.basePath}/repositories/${r.id}">${escapeHtml(r.fullName)}</a></li>`).join("")}</ul>`,
    ),
  renderRepositoryPage: (data, ctx) =>
    page(
      escapeHtml(data.fullName),
      ctx,
      `<h2>Memories</h2><ul>${data.memories
        .map(
          (
            m,
          ) => `<li><span class="statement">${escapeHtml(m.statement)}</span> (taught by ${escapeHtml(m.taughtBy)})
<form method="post" action="${ctx.basePath}/repositories/${data.id}/memories/${m.id}/delete">
<input type="hidden" name="csrf" value="${escapeHtml(ctx.csrfToken)}">
<button type="submit">Delete memory ${m.id}</button></form></li>`,
        )
        .join("")}</ul>`,
    ),
  renderReviewPage: (data, ctx) =>
    page(`Review ${data.id}`, ctx, `<p>Pull request #${data.pullNumber}</p>`),
  stylesheet: "body { font-family: sans-serif; color: #111; background: #fff; }",
};

function page(title: string, ctx: PageContext, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Revue</title>
<link rel="stylesheet" href="${ctx.basePath}/dashboard.css"></head><body>
<header><p>Signed in as ${escapeHtml(ctx.userLogin)}</p>
<form method="post" action="${ctx.basePath}/logout"><input type="hidden" name="csrf" value="${escapeHtml(ctx.csrfToken)}"><button type="submit">Sign out</button></form></header>
<main><h1>${title}</h1>${body}</main></body></html>`;
}
