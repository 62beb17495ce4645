import { closeCheckRun } from "../check-run.ts";
import {
  renderNothingToReviewCheckRun,
  renderNothingToReviewReason,
} from "../render-review-texts.ts";
import { updateReview } from "../review-store.ts";
import type { ChangeSet } from "./collect-changes.ts";
import { endSuperseded } from "./end-superseded.ts";
import type { ReviewOutcome, ReviewRun } from "./review-run.ts";

/** Why a started review posts nothing. */
export type Ending =
  | { kind: "nothing-to-review"; changes: Pick<ChangeSet, "changedCount" | "mode" | "skipped"> }
  | { kind: "superseded"; newerHeadSha: string };

/**
 * Ends a started review that posts nothing: the row gets its status and why, then the check run
 * closes as neutral saying so. Nothing to review (every file skipped, or none changed) is
 * `skipped`; a newer push is `superseded` (endSuperseded).
 */
export async function endWithoutPosting(run: ReviewRun, ending: Ending): Promise<ReviewOutcome> {
  const { db, octokit } = run.deps;
  if (ending.kind === "nothing-to-review") {
    const { changes } = ending;
    const reason = renderNothingToReviewReason(changes.changedCount, changes.mode);
    await updateReview(db, run.review.id, {
      status: "skipped",
      status_reason: reason,
      finished_at: run.now(),
    });
    await closeCheckRun(
      octokit,
      run.repo,
      run.checkRunId,
      renderNothingToReviewCheckRun(reason, changes.skipped, run.inputs.configProblems),
    );
    return { status: "skipped", reason };
  }
  return endSuperseded(
    { db, octokit },
    { id: run.review.id, checkRunId: run.checkRunId },
    { repo: run.repo, newerHeadSha: ending.newerHeadSha, now: run.now, log: run.attempt.log },
  );
}
