import {
  getPullRequest as readPullRequest,
  type PullRequest,
} from "../../github/get-pull-request.ts";
import { statusOf, type Octokit } from "../../github/github-types.ts";
import { PermanentJobError } from "../../queue/job-errors.ts";
import type { ReviewJob } from "../../queue/jobs.ts";

export type { PullRequest };

/**
 * Reads the pull request fresh from GitHub (a queued job may be older than the newest push).
 * Throws PermanentJobError when it is gone (404 or 410); any other error is worth a retry.
 */
export async function getPullRequest(
  octokit: Octokit,
  job: Pick<ReviewJob, "owner" | "repo" | "pullNumber">,
): Promise<PullRequest> {
  try {
    return await readPullRequest(octokit, job);
  } catch (error) {
    if (statusOf(error) === 404 || statusOf(error) === 410) {
      throw new PermanentJobError(
        `pull request ${job.owner}/${job.repo}#${job.pullNumber} not found`,
        { cause: error },
      );
    }
    throw error;
  }
}
