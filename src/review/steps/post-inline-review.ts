import type { Octokit } from "../../github/github-types.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { redactSecrets } from "../../safety/scan-secrets.ts";
import { postReview } from "../post-review.ts";
import type { ModelFinding } from "../render-comment.ts";
import { renderReviewBody, renderReviewMarker } from "../render-review-texts.ts";
import type { CommentOfFinding } from "./build-review-comments.ts";
import type { ReviewRun } from "./review-run.ts";

export type InlineReview<F> = {
  /** The review on GitHub, or null when there was nothing to post inline. */
  githubReviewId: number | null;
  /** The comments on the PR now. */
  posted: CommentOfFinding<F>[];
  /** The findings whose comments GitHub refused (they go to the summary). */
  rejected: F[];
};

/**
 * Posts the inline comments as one review (event COMMENT), at most once per review row: an attempt
 * that continues an earlier one first looks for the review carrying this row's marker and, if
 * GitHub has it, posts nothing and counts every comment as posted. No comments, no review.
 */
export async function postInlineReview<F extends ModelFinding>(
  run: ReviewRun,
  fromSha: string,
  comments: CommentOfFinding<F>[],
): Promise<InlineReview<F>> {
  if (comments.length === 0) return { githubReviewId: null, posted: comments, rejected: [] };
  const { octokit, ownSecrets } = run.deps;
  const marker = renderReviewMarker(run.review.id);
  const look = run.attempt.retryCount > 0 || run.continued;
  const earlier = look ? await findPostedReview(octokit, run.job, marker) : null;
  if (earlier !== null) return { githubReviewId: earlier, posted: comments, rejected: [] };

  const body = redactSecrets(
    renderReviewBody(comments.length, fromSha, run.headSha, marker),
    ownSecrets,
  ).text;
  const result = await postReview(
    octokit,
    { ...run.repo, pullNumber: run.job.pullNumber, commitId: run.headSha },
    body,
    comments.map(({ finding: _finding, ...comment }) => comment),
    run.attempt.log,
  );
  const rejectedBodies = new Set(result.rejected.map((r) => r.comment.body));
  return {
    githubReviewId: result.reviewId,
    posted: comments.filter((c) => !rejectedBodies.has(c.body)),
    rejected: comments.filter((c) => rejectedBodies.has(c.body)).map((c) => c.finding),
  };
}

/** The id of the review an earlier attempt posted, found by its marker. */
export async function findPostedReview(
  octokit: Octokit,
  job: ReviewJob,
  marker: string,
): Promise<number | null> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner: job.owner,
    repo: job.repo,
    pull_number: job.pullNumber,
    per_page: 100,
  });
  return reviews.find((r) => r.state !== "PENDING" && r.body?.includes(marker))?.id ?? null;
}
