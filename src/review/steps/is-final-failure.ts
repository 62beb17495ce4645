import { isPermanentGitHubError } from "../../github/is-permanent-github-error.ts";
import { ModelPermanentError } from "../../model/model-errors.ts";
import { PermanentJobError } from "../../queue/job-errors.ts";
import type { ReviewRun } from "./review-run.ts";

/**
 * True when `error` ends the review for good: it is permanent (PermanentJobError,
 * ModelPermanentError, GitHub refusing a request for good) or this is the job's last attempt.
 */
export function isFinalFailure(run: Pick<ReviewRun, "attempt">, error: unknown): boolean {
  const permanent =
    error instanceof PermanentJobError ||
    error instanceof ModelPermanentError ||
    isPermanentGitHubError(error);
  return permanent || run.attempt.retryCount >= run.attempt.retryLimit;
}
