import type { Logger } from "pino";
import type { Database } from "../../db/open-database.ts";
import type { Octokit, RepoRef } from "../../github/github-types.ts";
import { closeCheckRun, findCheckRun } from "../check-run.ts";
import { renderSupersededCheckRun } from "../render-review-texts.ts";
import { updateReview } from "../review-store.ts";
import type { ReviewOutcome } from "./review-run.ts";

/**
 * Ends a started review whose head a newer push replaced, before it posted anything of its own:
 * the row becomes `superseded` (naming the newer head) and its check run, opened on the older
 * head, closes as neutral with a title naming the newer head, so it is never left in progress.
 * The newer push queued a review of its own (one job may wait per pull request while this one
 * runs), which reviews the newest head. Throws what the database or GitHub throws.
 */
export async function endSuperseded(
  deps: { db: Database; octokit: Octokit },
  review: {
    id: number;
    checkRunId: number | null;
    /** Where to find the check run by its external id when its id was never stored. */
    opened?: { headSha: string; externalId: string };
  },
  ending: { repo: RepoRef; newerHeadSha: string; now: () => Date; log: Logger },
): Promise<ReviewOutcome> {
  await updateReview(deps.db, review.id, {
    status: "superseded",
    status_reason: `newer head ${ending.newerHeadSha}`,
    finished_at: ending.now(),
  });
  const checkRunId =
    review.checkRunId ??
    (review.opened
      ? await findCheckRun(
          deps.octokit,
          ending.repo,
          review.opened.headSha,
          review.opened.externalId,
        )
      : null);
  if (checkRunId !== null) {
    await closeCheckRun(
      deps.octokit,
      ending.repo,
      Number(checkRunId),
      renderSupersededCheckRun(ending.newerHeadSha),
    );
  }
  ending.log.info({ newer: ending.newerHeadSha }, "review superseded by a newer push");
  return { status: "superseded", reviewId: review.id };
}
