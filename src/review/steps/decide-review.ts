import type { ReviewMode } from "../../db/schema.ts";
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
  /** Review `fromSha..head` with `model`: from the last reviewed head when incremental. */
  | { kind: "review"; model: M; mode: ReviewMode; fromSha: string };

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
};

/**
 * Decides whether to review, first match wins:
 * 1. skip: Revue is turned off for the repository, the PR is closed, or it is a draft or a bot's
 *    and the config does not ask for those (a review command overrides the last two);
 * 2. the head was already reviewed (a posted review of it exists), unless `full review` was asked;
 * 3. there is no model (`model` is null);
 * 4. one more review would pass a cost cap (commands included: the cap is the operator's budget);
 * 5. review: incrementally from the last reviewed head when the job asks for it and there is one,
 *    otherwise the whole PR from its base.
 * Pure.
 */
export function decideReview<M>(
  facts: DecisionFacts,
  job: Pick<ReviewJob, "trigger" | "mode">,
  model: M | null,
): ReviewDecision<M> {
  const cause = skipCause(facts, job);
  if (cause) return { kind: "skip", cause };
  const { previous } = facts;
  if (previous && previous.head_sha === facts.pr.head.sha && job.trigger !== "command-full") {
    return { kind: "head-already-reviewed", reviewId: previous.id };
  }
  if (!model) return { kind: "no-model" };
  if (facts.capReached) return { kind: "over-cap", cap: facts.capReached };
  if (job.mode === "incremental" && previous) {
    return { kind: "review", model, mode: "incremental", fromSha: previous.head_sha };
  }
  return { kind: "review", model, mode: "full", fromSha: facts.pr.base.sha };
}

function skipCause(
  { pr, repoConfig }: DecisionFacts,
  job: Pick<ReviewJob, "trigger">,
): SkipCause | null {
  const command = job.trigger === "command-full" || job.trigger === "command-incremental";
  if (!repoConfig.enabled) return "disabled";
  if (pr.state !== "open") return "closed";
  if (pr.draft && !repoConfig.review_drafts && !command) return "draft";
  if (pr.user?.type === "Bot" && !repoConfig.review_bots && !command) return "bot";
  return null;
}
