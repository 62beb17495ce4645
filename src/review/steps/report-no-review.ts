import type { Review } from "../../db/schema.ts";
import type { Octokit } from "../../github/github-types.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { checkRunExternalId, closeCheckRun, openCheckRun } from "../check-run.ts";
import {
  renderCapReachedCheckRun,
  renderNoModelCheckRun,
  renderProgress,
  renderSkippedCheckRun,
  renderSkipReason,
} from "../render-review-texts.ts";
import type { ReviewDecision } from "./decide-review.ts";
import type { ReviewAttempt, ReviewInputs, ReviewOutcome } from "./review-run.ts";

/**
 * Carries out a decision not to review. A skip, or a cost cap reached, closes a neutral check run
 * saying why; no model closes a failed one saying what to set; either uses the check run this job opened earlier, or
 * opens one. A head already reviewed touches nothing. Writes no review row.
 */
export async function reportNoReview(
  deps: { octokit: Octokit; slug: string },
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
  switch (decision.kind) {
    case "skip": {
      const reason = renderSkipReason(decision.cause);
      const checkRunId =
        earlier?.check_run_id ?? (await open(renderProgress({ stage: "deciding" })));
      await closeCheckRun(
        deps.octokit,
        repo,
        checkRunId,
        renderSkippedCheckRun(reason, inputs.configProblems),
      );
      log.info({ reason }, "review skipped");
      return { status: "skipped", reason };
    }
    case "head-already-reviewed":
      log.info({ head: headSha }, "this head was already reviewed");
      return { status: "duplicate", reviewId: decision.reviewId };
    case "no-model": {
      const checkRunId =
        earlier?.check_run_id ?? (await open(renderProgress({ stage: "reading" })));
      await closeCheckRun(deps.octokit, repo, checkRunId, renderNoModelCheckRun(deps.slug));
      log.warn("ANTHROPIC_API_KEY is not set: review reported as not possible");
      return { status: "failed", reason: "no ANTHROPIC_API_KEY" };
    }
    case "over-cap": {
      const checkRunId =
        earlier?.check_run_id ?? (await open(renderProgress({ stage: "deciding" })));
      await closeCheckRun(
        deps.octokit,
        repo,
        checkRunId,
        renderCapReachedCheckRun(decision.cap, deps.slug),
      );
      log.warn({ cap: decision.cap }, "review skipped: a cost cap is reached");
      return { status: "skipped", reason: "cost cap reached" };
    }
  }
}
