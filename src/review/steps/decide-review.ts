import type { ReviewMode, ReviewTrigger } from "../../db/schema.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import type { RepoConfig } from "../../repo-config/repo-config.ts";
import type { SkipCause } from "../render-review-texts.ts";
import type { CapReached } from "../review-spend.ts";

/** What a review attempt does, once its inputs are read. */
export type ReviewDecision<M> =
  | { kind: "skip"; cause: SkipCause }
  | { kind: "head-already-reviewed"; reviewId: number }
  | { kind: "no-model" }
  /** One more review would pass an operator's cost cap. */
  | { kind: "over-cap"; cap: CapReached }
  /**
   * Review `fromSha..head` with `model`: from the last reviewed head when incremental. `trigger` is
   * what the review row records: `command-full` when it answers a full review asked for.
   */
  | { kind: "review"; model: M; mode: ReviewMode; fromSha: string; trigger: ReviewTrigger };

export type DecisionFacts = {
  pr: {
    state: string;
    draft?: boolean;
    user: { type: string } | null;
    head: { sha: string };
    base: { sha: string };
  };
  repoConfig: Pick<RepoConfig, "enabled" | "review_drafts" | "review_bots">;
  /** The newest posted review of the pull request, if any. */
  previous: { id: number; head_sha: string } | undefined;
  /** The cost cap one more review would pass, or null (none set, or within them all). */
  capReached: CapReached | null;
  /**
   * A full review is owed: a `re-review` command not yet answered (whichever job of the pull
   * request it was absorbed into), or this job's own earlier attempt was one.
   */
  fullReviewOwed: boolean;
};

/**
 * Decides whether to review, first match wins:
 * 1. skip: Revue is turned off for the repository, the PR is closed, or it is a draft or a bot's
 *    and the config does not ask for those (a review command overrides the last two);
 * 2. the head was already reviewed (a posted review of it exists), unless a full review is owed
 *    (`fullReviewOwed`; the job's own trigger does not decide it, so a command absorbed into
 *    another job is honoured, and one already answered by another job is not answered twice);
 * 3. there is no model (`model` is null);
 * 4. one more review would pass a cost cap (commands included: the cap is the operator's budget);
 * 5. review: in full from the base when a full review is owed; otherwise incrementally from the
 *    last reviewed head when the job asks for it and there is one, else in full.
 * Pure.
 */
export function decideReview<M>(
  facts: DecisionFacts,
  job: Pick<ReviewJob, "trigger" | "mode">,
  model: M | null,
): ReviewDecision<M> {
  const cause = skipCause(facts, job);
  if (cause) return { kind: "skip", cause };
  const { previous, fullReviewOwed } = facts;
  if (previous && previous.head_sha === facts.pr.head.sha && !fullReviewOwed) {
    return { kind: "head-already-reviewed", reviewId: previous.id };
  }
  if (!model) return { kind: "no-model" };
  if (facts.capReached) return { kind: "over-cap", cap: facts.capReached };
  const trigger = fullReviewOwed ? "command-full" : job.trigger;
  if (job.mode === "incremental" && previous && !fullReviewOwed) {
    return { kind: "review", model, mode: "incremental", fromSha: previous.head_sha, trigger };
  }
  return { kind: "review", model, mode: "full", fromSha: facts.pr.base.sha, trigger };
}

function skipCause(
  { pr, repoConfig, fullReviewOwed }: DecisionFacts,
  job: Pick<ReviewJob, "trigger">,
): SkipCause | null {
  const command =
    fullReviewOwed || job.trigger === "command-full" || job.trigger === "command-incremental";
  if (!repoConfig.enabled) return "disabled";
  if (pr.state !== "open") return "closed";
  if (pr.draft && !repoConfig.review_drafts && !command) return "draft";
  if (pr.user?.type === "Bot" && !repoConfig.review_bots && !command) return "bot";
  return null;
}
