import type { Review } from "../../db/schema.ts";
import type { ReviewModel } from "../review-model.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { checkRunExternalId, openCheckRun } from "../check-run.ts";
import { renderProgress } from "../render-review-texts.ts";
import { insertReview } from "../review-store.ts";
import type { ReviewDecision } from "./decide-review.ts";
import type { ReviewAttempt, ReviewDependencies, ReviewInputs, ReviewRun } from "./review-run.ts";

/**
 * Starts the review: opens the check run (in progress) and inserts the review row, `running`.
 * A retried attempt continues the row and the check run its job started instead (`earlier`); one
 * that died before the row was written finds its check run again by the job's external id, so a
 * retry never opens a second check run.
 */
export async function startReview(
  deps: ReviewDependencies,
  job: ReviewJob,
  attempt: ReviewAttempt,
  begun: {
    earlier: Review | undefined;
    inputs: ReviewInputs;
    plan: Extract<ReviewDecision<ReviewModel>, { kind: "review" }>;
    started: Date;
    now: () => Date;
  },
): Promise<ReviewRun> {
  const { earlier, inputs, plan } = begun;
  const repo = { owner: job.owner, repo: job.repo };
  const headSha = inputs.pr.head.sha;
  const baseSha = inputs.pr.base.sha;
  const checkRunId =
    earlier?.check_run_id ??
    (await openCheckRun(
      deps.octokit,
      repo,
      headSha,
      renderProgress({ stage: "reading" }),
      checkRunExternalId(attempt.jobId),
    ));
  const review =
    earlier ??
    (await insertReview(deps.db, {
      installation_id: job.installationId,
      repository_id: job.repositoryId,
      pull_number: job.pullNumber,
      base_sha: baseSha,
      head_sha: headSha,
      from_sha: plan.fromSha,
      trigger: job.trigger,
      mode: plan.mode,
      status: "running",
      delivery_id: job.deliveryId,
      job_id: attempt.jobId,
      check_run_id: checkRunId,
      model: plan.model.id,
    }));
  return {
    deps,
    job,
    attempt,
    repo,
    inputs,
    headSha,
    baseSha,
    model: plan.model,
    review,
    checkRunId,
    continued: earlier !== undefined,
    started: begun.started,
    now: begun.now,
  };
}
