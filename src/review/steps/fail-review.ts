import { ModelPermanentError } from "../../model/model-errors.ts";
import { PermanentJobError } from "../../queue/job-errors.ts";
import { isPermanentGitHubError } from "../../github/is-permanent-github-error.ts";
import { closeCheckRun, progressCheckRun } from "../check-run.ts";
import { renderFailedCheckRun, renderProgress } from "../render-review-texts.ts";
import { updateReview } from "../review-store.ts";
import { isFinalFailure } from "./is-final-failure.ts";
import type { ReviewRun } from "./review-run.ts";

/**
 * Reports an error that stopped a started review and returns the error the job must throw.
 * A permanent error (PermanentJobError, ModelPermanentError, GitHub refusing a request for good:
 * 400, 401, 403 but a rate limit, 404, 410, 422) or any error on the last attempt marks
 * the row `failed` and closes the check run as failed with what to do (a failure to close it is
 * logged, not thrown); the model's and GitHub's permanent errors come back as a PermanentJobError so the queue
 * does not retry it. Any other error leaves the row running and the check run saying a retry is
 * coming (best effort), and comes back as it is. Throws only if the row cannot be updated.
 */
export async function failReview(run: ReviewRun, error: unknown): Promise<unknown> {
  const { deps, attempt } = run;
  const githubRefused = isPermanentGitHubError(error);
  if (!isFinalFailure(run, error)) {
    const progress = renderProgress({
      stage: "retrying",
      attempt: attempt.retryCount + 1,
      attempts: attempt.retryLimit + 1,
    });
    await progressCheckRun(deps.octokit, run.repo, run.checkRunId, progress).catch(() => {});
    return error;
  }
  await updateReview(deps.db, run.review.id, {
    status: "failed",
    status_reason: (error as Error).message,
    finished_at: run.now(),
  });
  const failure = {
    kind:
      error instanceof ModelPermanentError
        ? error.kind
        : githubRefused
          ? ("github-refused" as const)
          : ("exhausted" as const),
    message: (error as Error).message ?? String(error),
  };
  await closeCheckRun(
    deps.octokit,
    run.repo,
    run.checkRunId,
    renderFailedCheckRun(failure, deps.slug),
  ).catch((closeError) => attempt.log.error({ err: closeError }, "could not close the check run"));
  if (error instanceof ModelPermanentError || githubRefused) {
    return new PermanentJobError((error as Error).message, { cause: error });
  }
  return error;
}
