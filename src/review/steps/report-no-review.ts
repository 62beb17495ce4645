import type { Database } from "../../db/open-database.ts";
import type { Review, ReviewStatus } from "../../db/schema.ts";
import type { Octokit } from "../../github/github-types.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import {
  checkRunExternalId,
  closeCheckRun,
  openCheckRun,
  type CheckOutcome,
} from "../check-run.ts";
import {
  renderAlreadyReviewedCheckRun,
  renderCapReachedCheckRun,
  renderNoModelCheckRun,
  renderProgress,
  renderSkippedCheckRun,
  renderSkipReason,
} from "../render-review-texts.ts";
import { updateReview } from "../review-store.ts";
import type { ReviewDecision } from "./decide-review.ts";
import type { ReviewAttempt, ReviewInputs, ReviewOutcome } from "./review-run.ts";

/**
 * Carries out a decision not to review. A skip, or a cost cap reached, closes a neutral check run
 * saying why; no model closes a failed one saying what to set; either uses the check run this job
 * opened earlier, or opens one. A head already reviewed touches nothing, unless an earlier attempt
 * of this job started a review of it (another review was posted while this one waited to retry):
 * then that check run closes as neutral, never left in progress. Writes no review row; the row an
 * earlier attempt started is finished (skipped, failed or superseded) rather than left running.
 */
export async function reportNoReview(
  deps: { db: Database; octokit: Octokit; slug: string; now?: () => Date },
  job: ReviewJob,
  earlier: Review | undefined,
  inputs: ReviewInputs,
  decision: Exclude<ReviewDecision<unknown>, { kind: "review" }>,
  attempt: Pick<ReviewAttempt, "jobId" | "log">,
): Promise<ReviewOutcome> {
  const { log } = attempt;
  const repo = { owner: job.owner, repo: job.repo };
  const headSha = inputs.pr.head.sha;
  const open = (doing: string) =>
    openCheckRun(deps.octokit, repo, headSha, doing, checkRunExternalId(attempt.jobId));
  const now = deps.now ?? (() => new Date());
  const finishEarlier = async (status: ReviewStatus, reason: string) => {
    if (earlier) {
      await updateReview(deps.db, earlier.id, {
        status,
        status_reason: reason,
        finished_at: now(),
      });
    }
  };
  /** Closes the check run this job opened earlier, or opens one (saying `stage`) to close. */
  const closeWith = async (stage: "deciding" | "reading", outcome: CheckOutcome) => {
    const checkRunId = earlier?.check_run_id ?? (await open(renderProgress({ stage })));
    await closeCheckRun(deps.octokit, repo, checkRunId, outcome);
  };
  switch (decision.kind) {
    case "skip": {
      const reason = renderSkipReason(decision.cause);
      await closeWith("deciding", renderSkippedCheckRun(reason, inputs.configProblems));
      await finishEarlier("skipped", reason);
      log.info({ reason }, "review skipped");
      return { status: "skipped", reason };
    }
    case "head-already-reviewed":
      log.info({ head: headSha }, "this head was already reviewed");
      if (earlier) {
        await finishEarlier("superseded", `head already reviewed by review ${decision.reviewId}`);
        if (earlier.check_run_id !== null) {
          await closeCheckRun(
            deps.octokit,
            repo,
            earlier.check_run_id,
            renderAlreadyReviewedCheckRun(headSha),
          );
        }
      }
      return { status: "duplicate", reviewId: decision.reviewId };
    case "no-model": {
      await closeWith("reading", renderNoModelCheckRun(deps.slug));
      await finishEarlier("failed", "no ANTHROPIC_API_KEY");
      log.warn("ANTHROPIC_API_KEY is not set: review reported as not possible");
      return { status: "failed", reason: "no ANTHROPIC_API_KEY" };
    }
    case "over-cap": {
      await closeWith("deciding", renderCapReachedCheckRun(decision.cap, deps.slug));
      await finishEarlier("skipped", "cost cap reached");
      log.warn({ cap: decision.cap }, "review skipped: a cost cap is reached");
      return { status: "skipped", reason: "cost cap reached" };
    }
  }
}
