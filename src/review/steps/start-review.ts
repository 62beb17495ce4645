import type { ReviewModel } from "../review-model.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { checkRunExternalId, openCheckRun } from "../check-run.ts";
import { renderProgress } from "../render-review-texts.ts";
import type { Database } from "../../db/open-database.ts";
import type { NewReview, Review } from "../../db/schema.ts";
import { answerFullReviewRequest } from "../full-review-requests.ts";
import { insertReview, updateReview } from "../review-store.ts";
import type { ReviewDecision } from "./decide-review.ts";
import type { ReviewAttempt, ReviewDependencies, ReviewInputs, ReviewRun } from "./review-run.ts";

/**
 * Starts the review: opens the check run (in progress) and inserts the review row, `running`.
 * A retried attempt continues the row and the check run its job started instead (`earlier`); one
 * that died after the row was written, before the check run's id was stored, finds its check run
 * again by the job's external id, so a retry never opens a second check run. When a full review asked for by command is owed (the plan
 * is then a full `command-full` review), the new row marks it answered in the same transaction:
 * the request is answered once, and stays owed if no row was written.
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
  // The row first, then the check run: an attempt that dies between the two leaves a row naming
  // the head, so a retry (or the orphan sweep) finds that head's check run by the job's external id.
  let review =
    earlier ??
    (await insertReviewAnswering(deps.db, job, inputs.fullReviewRequest, {
      installation_id: job.installationId,
      repository_id: job.repositoryId,
      pull_number: job.pullNumber,
      base_sha: baseSha,
      head_sha: headSha,
      from_sha: plan.fromSha,
      trigger: plan.trigger,
      mode: plan.mode,
      status: "running",
      delivery_id: job.deliveryId,
      job_id: attempt.jobId,
      check_run_id: null,
      model: plan.model.id,
    }));
  let checkRunId = review.check_run_id === null ? null : Number(review.check_run_id);
  if (checkRunId === null) {
    checkRunId = await openCheckRun(
      deps.octokit,
      repo,
      review.head_sha,
      renderProgress({ stage: "reading" }),
      checkRunExternalId(attempt.jobId),
    );
    await updateReview(deps.db, review.id, { check_run_id: checkRunId });
    review = { ...review, check_run_id: checkRunId };
  }
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

/** Inserts the review row and, when it answers a full review owed (`requested`), marks that answered. */
async function insertReviewAnswering(
  db: Database,
  job: ReviewJob,
  requested: number | null,
  row: NewReview,
): Promise<Review> {
  if (requested === null) return insertReview(db, row);
  return db.transaction().execute(async (trx) => {
    const review = await insertReview(trx, row);
    await answerFullReviewRequest(trx, job, requested);
    return review;
  });
}
