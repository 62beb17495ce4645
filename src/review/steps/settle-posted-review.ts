import type { Logger } from "pino";
import type { Review } from "../../db/schema.ts";
import type { RepoRef } from "../../github/github-types.ts";
import { closeCheckRun } from "../check-run.ts";
import { renderUnrecordedCheckRun } from "../render-review-texts.ts";
import { updateReview } from "../review-store.ts";
import { isFinalFailure } from "./is-final-failure.ts";
import type { ReviewDependencies, ReviewOutcome, ReviewRun } from "./review-run.ts";

/**
 * Ends a review whose comments are already on the pull request when recording it failed for good
 * (see isFinalFailure): the pull request has its review, so neither the row nor the check run may
 * say it failed. Marks the row `posted` with the error as its reason, closes the check run as
 * neutral saying the review is posted but not fully recorded, and returns the outcome, so the
 * job completes instead of being dead-lettered. Returns null when another attempt may still
 * record it (the caller then reports the error as usual). Throws only if the row cannot be updated.
 */
export async function settlePostedReview(
  run: ReviewRun,
  error: unknown,
): Promise<ReviewOutcome | null> {
  if (!isFinalFailure(run, error)) return null;
  const { deps, attempt } = run;
  const message = (error as Error).message ?? String(error);
  attempt.log.error({ err: error }, "the review is posted but could not be recorded");
  await updateReview(deps.db, run.review.id, {
    status: "posted",
    status_reason: `posted, but not recorded: ${message}`,
    finished_at: run.now(),
  });
  await closeCheckRun(
    deps.octokit,
    run.repo,
    run.checkRunId,
    renderUnrecordedCheckRun(message),
  ).catch((closeError) => attempt.log.error({ err: closeError }, "could not close the check run"));
  return { status: "posted", reason: message, reviewId: run.review.id };
}

/**
 * Ends a retried review whose earlier attempt posted it (found by its marker, `githubReviewId`)
 * but did not record it, when a newer push has replaced its head since: the review is on the pull
 * request, so it is neither superseded nor failed. Marks the row `posted` with what happened and
 * closes its check run as neutral, saying the review is posted but not fully recorded.
 */
export async function settleEarlierPosted(
  deps: Pick<ReviewDependencies, "db" | "octokit">,
  earlier: Pick<Review, "id" | "check_run_id">,
  githubReviewId: number,
  context: { repo: RepoRef; newerHeadSha: string; now: () => Date; log: Logger },
): Promise<ReviewOutcome> {
  const reason = `posted, but not recorded before a newer push (${context.newerHeadSha.slice(0, 7)}) arrived`;
  context.log.warn({ githubReviewId }, "the review an earlier attempt posted is kept, unrecorded");
  await updateReview(deps.db, earlier.id, {
    status: "posted",
    status_reason: reason,
    github_review_id: githubReviewId,
    finished_at: context.now(),
  });
  if (earlier.check_run_id !== null) {
    await closeCheckRun(
      deps.octokit,
      context.repo,
      Number(earlier.check_run_id),
      renderUnrecordedCheckRun(`a newer push (${context.newerHeadSha.slice(0, 7)}) arrived first`),
    );
  }
  return { status: "posted", reason, reviewId: earlier.id };
}
