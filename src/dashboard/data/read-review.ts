import type { Database } from "../../db/open-database.ts";
import type { ReviewReport } from "../../review/review-report.ts";
import type { DashboardScope, ReviewDetail } from "./dashboard-types.ts";
import { scopeIds } from "./in-scope.ts";

/**
 * One review as the dashboard shows it: its findings as posted (inline on a line, or listed in
 * the summary) with where each was anchored, what the pipeline recorded beyond them (config
 * problems, context files, findings suppressed, folded or listed in the summary and why), tokens,
 * cost, timings and the pull request's address on `githubUrl` (github.com unless GitHub
 * Enterprise). Null when the review is unknown or outside `scope`: the caller answers 404.
 */
export async function readReview(
  db: Database,
  scope: DashboardScope,
  reviewId: number,
  options: { githubUrl?: string } = {},
): Promise<ReviewDetail | null> {
  const ids = scopeIds(scope);
  if (!ids || !Number.isSafeInteger(reviewId)) return null;
  const review = await db
    .selectFrom("reviews")
    .innerJoin("repositories", "repositories.id", "reviews.repository_id")
    .leftJoin("webhook_deliveries", "webhook_deliveries.delivery_id", "reviews.delivery_id")
    .selectAll("reviews")
    .select(["repositories.full_name", "webhook_deliveries.received_at"])
    .where("reviews.id", "=", reviewId)
    .where("reviews.installation_id", "in", ids.installationIds)
    .where("reviews.repository_id", "in", ids.repositoryIds)
    .executeTakeFirst();
  if (!review) return null;
  const findings = await db
    .selectFrom("findings")
    .selectAll()
    .where("review_id", "=", review.id)
    .orderBy("id")
    .execute();

  const finishedAt = review.finished_at ? new Date(review.finished_at) : null;
  const githubUrl = (options.githubUrl ?? "https://github.com").replace(/\/+$/, "");
  const pullRequestUrl = `${githubUrl}/${review.full_name}/pull/${review.pull_number}`;
  return {
    review: {
      id: review.id,
      repository: {
        id: review.repository_id,
        installationId: review.installation_id,
        fullName: review.full_name,
      },
      pullNumber: review.pull_number,
      pullRequestUrl,
      trigger: review.trigger,
      mode: review.mode,
      status: review.status,
      statusReason: review.status_reason,
      baseSha: review.base_sha,
      headSha: review.head_sha,
      fromSha: review.from_sha,
      filesTotal: review.files_total,
      filesReviewed: review.files_reviewed,
      findingsPosted: review.findings_posted,
    },
    usage: {
      model: review.model,
      modelCalls: review.model_calls,
      inputTokens: review.input_tokens,
      outputTokens: review.output_tokens,
      cacheReadTokens: review.cache_read_tokens,
      cacheWriteTokens: review.cache_write_tokens,
      costUsd: review.cost_usd,
    },
    timings: {
      receivedAt: review.received_at?.toISOString() ?? null,
      createdAt: review.created_at.toISOString(),
      finishedAt: finishedAt?.toISOString() ?? null,
      durationMs: review.duration_ms,
      pushToReviewMs:
        review.received_at && finishedAt
          ? finishedAt.getTime() - review.received_at.getTime()
          : null,
    },
    findings: findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      category: f.category,
      title: f.title,
      body: f.body,
      path: f.path,
      side: f.side,
      startLine: f.start_line,
      line: f.line,
      postedAs: f.github_comment_id === null ? "summary" : "inline",
      commentUrl:
        f.github_comment_id === null
          ? null
          : `${pullRequestUrl}#discussion_r${f.github_comment_id}`,
      status: f.status,
      addressedAt: f.addressed_at ? new Date(f.addressed_at).toISOString() : null,
      thumbsUp: f.thumbs_up,
      thumbsDown: f.thumbs_down,
      rebutted: f.rebutted,
    })),
    report: (review.report as ReviewReport | null) ?? null,
  };
}
