import type { Config } from "../../config/read-config.ts";
import type { Database } from "../../db/open-database.ts";
import type { Octokit } from "../../github/github-types.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { checkRepositoryModel } from "../../model/check-repository-model.ts";
import { loadRepoConfig } from "../../repo-config/load-repo-config.ts";
import { readFullReviewRequest } from "../full-review-requests.ts";
import { lastPostedReview } from "../review-store.ts";
import { findCapReached, hasCaps, readSpend } from "../review-spend.ts";
import { getPullRequest } from "./get-pull-request.ts";
import type { ReviewInputs } from "./review-run.ts";

/**
 * Reads what the decision to review is made on: the pull request (fresh: the job may be older than
 * the newest push), `.github/revue.yml` at its base commit (never the head: a PR must not change
 * how it is reviewed; a `model` the operator does not allow is a problem, and dropped), the newest posted review of the PR, when the operator set cost caps, the
 * first cap one more review would pass, and whether a full review is owed to a `re-review` command
 * (read last, so a command that arrived meanwhile is seen). Reads only; writes nothing.
 * Throws PermanentJobError when the pull request is gone; any other error is worth a retry.
 */
export async function loadReviewInputs(
  deps: {
    octokit: Octokit;
    db: Database;
    config: Pick<Config, "caps"> & { model: Pick<Config["model"], "allowed"> };
    now?: () => Date;
  },
  job: ReviewJob,
): Promise<ReviewInputs> {
  const pr = await getPullRequest(deps.octokit, job);
  const loaded = await loadRepoConfig(
    deps.octokit,
    { owner: job.owner, repo: job.repo },
    pr.base.sha,
  );
  const choice = checkRepositoryModel(loaded.config.model, deps.config.model.allowed);
  const config = { ...loaded.config, model: choice.model };
  const problems = choice.problem ? [...loaded.problems, choice.problem] : loaded.problems;
  const previous = await lastPostedReview(deps.db, job.repositoryId, job.pullNumber);
  const now = deps.now?.() ?? new Date();
  const capReached = hasCaps(deps.config.caps)
    ? findCapReached(await readSpend(deps.db, job, now), deps.config.caps, now)
    : null;
  const fullReviewRequest = await readFullReviewRequest(deps.db, job);
  return {
    pr,
    repoConfig: config,
    configProblems: problems,
    previous,
    capReached,
    fullReviewRequest,
  };
}
