import { sql } from "kysely";
import { codeIndexDatabase } from "../../code-index/code-index-tables.ts";
import type { Database } from "../../db/open-database.ts";
import type { ReviewReport } from "../../review/review-report.ts";
import type { DashboardScope, RepositoryDetail, SuppressedRow } from "./dashboard-types.ts";
import { scopeIds } from "./in-scope.ts";

const SUPPRESSED_LIMIT = 100;
const RECENT_REVIEWS = 20;

/**
 * One repository as the dashboard shows it: its code index (commit, files, chunks, skipped by
 * reason, when), the `.github/revue.yml` its newest recorded review ran with and the problems
 * found in it, its memories (and its installation's), the findings the memory gate suppressed in
 * its newest reviews and why, and its newest reviews. Null when the repository is unknown or
 * outside `scope`: the caller answers 404.
 */
export async function readRepository(
  db: Database,
  scope: DashboardScope,
  repositoryId: number,
): Promise<RepositoryDetail | null> {
  const ids = scopeIds(scope);
  if (!ids || !ids.repositoryIds.includes(repositoryId)) return null;
  const repository = await db
    .selectFrom("repositories")
    .selectAll()
    .where("id", "=", repositoryId)
    .where("installation_id", "in", ids.installationIds)
    .executeTakeFirst();
  if (!repository) return null;

  const [index, newest, suppressedRows, memories, recent] = await Promise.all([
    codeIndexDatabase(db)
      .selectFrom("code_indexes")
      .selectAll()
      .where("repository_id", "=", repositoryId)
      .where("installation_id", "=", repository.installation_id)
      .executeTakeFirst(),
    // Both read the partial index reviews_repository_report_idx (migration 20261214T1000).
    db
      .selectFrom("reviews")
      .select(["id", "created_at", sql<ReviewReport>`report`.as("report")])
      .where("repository_id", "=", repositoryId)
      .where("installation_id", "=", repository.installation_id)
      .where("report", "is not", null)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom("reviews")
      .select([
        "id",
        "pull_number",
        "created_at",
        sql<ReviewReport["suppressed"]>`report->'suppressed'`.as("suppressed"),
      ])
      .where("repository_id", "=", repositoryId)
      .where("installation_id", "=", repository.installation_id)
      .where("report", "is not", null)
      .where(sql<boolean>`jsonb_array_length(report->'suppressed') > 0`)
      .orderBy("id", "desc")
      .limit(SUPPRESSED_LIMIT)
      .execute(),
    db
      .selectFrom("memories")
      .selectAll()
      .where("installation_id", "=", repository.installation_id)
      .where((eb) =>
        eb.or([eb("repository_id", "=", repositoryId), eb("repository_id", "is", null)]),
      )
      .orderBy("id", "desc")
      .execute(),
    db
      .selectFrom("reviews")
      .select(["id", "pull_number", "status", "created_at", "findings_posted", "cost_usd"])
      .where("repository_id", "=", repositoryId)
      .where("installation_id", "=", repository.installation_id)
      .orderBy("created_at", "desc")
      .limit(RECENT_REVIEWS)
      .execute(),
  ]);

  const suppressed: SuppressedRow[] = suppressedRows
    .flatMap((row) =>
      row.suppressed.map((s) => ({
        reviewId: row.id,
        pullNumber: row.pull_number,
        at: row.created_at.toISOString(),
        title: s.title,
        path: s.path,
        severity: s.severity,
        category: s.category,
        similarity: s.similarity,
        likeFindingId: s.likeFindingId,
      })),
    )
    .slice(0, SUPPRESSED_LIMIT);

  return {
    repository: {
      id: repository.id,
      installationId: repository.installation_id,
      fullName: repository.full_name,
      defaultBranch: repository.default_branch,
      private: repository.private,
    },
    index: index
      ? {
          commitSha: index.commit_sha,
          files: index.files,
          chunks: index.chunks,
          skipped: Object.entries(index.skipped ?? {})
            .map(([reason, files]) => ({ reason, files }))
            .sort((a, b) => b.files - a.files || a.reason.localeCompare(b.reason)),
          embeddingModel: index.embedding_model,
          indexedAt: new Date(index.indexed_at).toISOString(),
        }
      : null,
    config: newest
      ? {
          reviewId: newest.id,
          recordedAt: newest.created_at.toISOString(),
          values: newest.report.config,
          problems: newest.report.configProblems,
        }
      : null,
    memories: memories.map((m) => ({
      id: m.id,
      appliesTo: m.repository_id === null ? "installation" : "repository",
      deletable: m.repository_id !== null,
      kind: m.kind,
      source: m.source,
      statement: m.statement,
      taughtBy: m.taught_by,
      sourceUrl: m.source_url,
      author: m.author,
      pathGlob: m.path_glob,
      uses: m.use_count,
      lastUsedAt: m.last_used_at?.toISOString() ?? null,
      createdAt: m.created_at.toISOString(),
    })),
    suppressed,
    recentReviews: recent.map((r) => ({
      id: r.id,
      pullNumber: r.pull_number,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      findingsPosted: r.findings_posted,
      costUsd: r.cost_usd,
    })),
  };
}
