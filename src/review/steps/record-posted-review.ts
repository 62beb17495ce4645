import type { Octokit } from "../../github/github-types.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { closeCheckRun } from "../check-run.ts";
import type { ModelFinding } from "../render-comment.ts";
import { renderReviewedCheckRun } from "../render-review-texts.ts";
import { buildReviewReport } from "../review-report.ts";
import { insertFindings, savePullRequestState, updateReview } from "../review-store.ts";
import { usageColumns } from "./ask-model.ts";
import { buildFindingRows } from "./build-finding-rows.ts";
import type { CommentOfFinding } from "./build-review-comments.ts";
import type { ChangeSet } from "./collect-changes.ts";
import type { CollectedContext } from "./collect-context.ts";
import type { Judgement, PlacedFinding } from "./judge-findings.ts";
import type { ReviewRun } from "./review-run.ts";

/** What a review put on the pull request. */
export type Publication = {
  githubReviewId: number | null;
  posted: CommentOfFinding<PlacedFinding>[];
  notInline: { finding: ModelFinding; note: string }[];
  summaryCommentId: number;
  /** The newer head that arrived while the review was posted, if one did. */
  supersededBy: string | null;
};

/**
 * Stores the findings of a posted review, right after the inline review is posted and before
 * anything else can fail: inline ones with their GitHub comment ids (read back from the posted
 * review), the rest as listed in the summary. A finding already stored on the PR is left as it is
 * (see insertFindings), so a retry stores nothing twice; and a review posted without its rows
 * can no longer happen, which would make the next push post the same comments again.
 */
export async function recordFindings(
  run: ReviewRun,
  judgement: Pick<Judgement, "budget">,
  publication: Pick<Publication, "githubReviewId" | "posted" | "notInline">,
): Promise<void> {
  const { deps, job } = run;
  const { githubReviewId, posted, notInline } = publication;
  const commentIds =
    githubReviewId === null
      ? new Map<string, number>()
      : await reviewCommentIds(deps.octokit, job, githubReviewId);
  await insertFindings(
    deps.db,
    buildFindingRows(
      {
        installationId: job.installationId,
        repositoryId: job.repositoryId,
        pullNumber: job.pullNumber,
        reviewId: run.review.id,
        headSha: run.headSha,
      },
      { posted, notInline, folded: judgement.budget.folded },
      commentIds,
    ),
  );
}

/**
 * Records a posted review whose findings are stored (recordFindings), in this order: the PR's
 * summary comment and reviewed head, the review row (`posted`, with counts, tokens, cost and
 * timings, and its report: config problems, context used, what was not posted inline and why),
 * and last the check run, closed as success; or, when a newer head arrived while it was
 * posted (`supersededBy`), as neutral with a title naming the newer head (the row says so too).
 */
export async function recordPostedReview(
  run: ReviewRun,
  changes: Pick<ChangeSet, "mode" | "fromSha" | "pullFiles">,
  judgement: Judgement,
  publication: Publication,
  collected: Pick<CollectedContext, "context" | "memory">,
): Promise<void> {
  const { deps, job } = run;
  const { modelRun, costUsd, budget } = judgement;
  const { githubReviewId, posted, notInline } = publication;
  await savePullRequestState(deps.db, {
    repositoryId: job.repositoryId,
    number: job.pullNumber,
    installationId: job.installationId,
    summaryCommentId: publication.summaryCommentId,
    lastReviewedHeadSha: run.headSha,
  });
  const finished = run.now();
  const durationMs = finished.getTime() - run.started.getTime();
  await updateReview(deps.db, run.review.id, {
    status: "posted",
    status_reason:
      publication.supersededBy === null
        ? null
        : `posted; newer head ${publication.supersededBy} arrived meanwhile`,
    from_sha: changes.fromSha,
    mode: changes.mode,
    github_review_id: githubReviewId,
    files_total: changes.pullFiles.length,
    files_reviewed: modelRun.reviewedPaths.size,
    findings_posted: posted.length,
    ...usageColumns(modelRun, costUsd),
    finished_at: finished,
    duration_ms: durationMs,
    report: JSON.stringify(
      buildReviewReport({
        config: run.inputs.repoConfig,
        configProblems: run.inputs.configProblems,
        contextFiles: collected.context.files,
        memoryIds: collected.memory.ids,
        skippedFiles: judgement.skipped,
        suppressed: judgement.suppressedFindings,
        notInline,
        folded: budget.folded,
        carriedForward: judgement.carriedForward,
        modelCalls: modelRun.calls,
      }),
    ),
  });
  await closeCheckRun(
    deps.octokit,
    run.repo,
    run.checkRunId,
    renderReviewedCheckRun(
      {
        mode: changes.mode,
        fromSha: changes.fromSha,
        headSha: run.headSha,
        filesTotal: changes.pullFiles.length,
        filesReviewed: modelRun.reviewedPaths.size,
        filesSkipped: judgement.skipped.length,
        inlineCount: posted.length,
        summaryCount: notInline.length + budget.folded.length,
        carriedForward: judgement.carriedForward,
        model: run.model.id,
        calls: modelRun.calls,
        usage: modelRun.usage,
        costUsd,
        durationMs,
        configProblems: run.inputs.configProblems,
      },
      publication.supersededBy,
    ),
  );
  run.attempt.log.info(
    { posted: posted.length, summary: notInline.length, tokens: modelRun.usage, costUsd },
    "review posted",
  );
}

/** Fingerprint -> GitHub comment id for the comments of one review (read from their markers). */
async function reviewCommentIds(
  octokit: Octokit,
  job: ReviewJob,
  reviewId: number,
): Promise<Map<string, number>> {
  const comments = await octokit.paginate(octokit.rest.pulls.listCommentsForReview, {
    owner: job.owner,
    repo: job.repo,
    pull_number: job.pullNumber,
    review_id: reviewId,
    per_page: 100,
  });
  const ids = new Map<string, number>();
  for (const comment of comments) {
    const match = /<!-- revue:finding:([0-9a-f]+) -->/.exec(comment.body ?? "");
    if (match) ids.set(match[1]!, comment.id);
  }
  return ids;
}
