import type { Context } from "probot";
import type { ReviewTrigger } from "../db/schema.ts";
import { enqueueReview } from "./enqueue-review.ts";
import type { IntakeDependencies } from "./record-and-enqueue.ts";

export const REVIEW_ACTIONS = ["opened", "reopened", "synchronize", "ready_for_review"] as const;

/**
 * `pull_request` opened / reopened / synchronize / ready_for_review: enqueue a review.
 * Nothing slow happens here: whether to skip (draft, closed, bot author, config) is decided by the
 * worker, which reports it on a check run so a skip is never silent.
 */
export async function handlePullRequest(
  deps: IntakeDependencies,
  context: Context<`pull_request.${(typeof REVIEW_ACTIONS)[number]}`>,
): Promise<void> {
  const { payload } = context;
  const installationId = payload.installation?.id;
  if (!installationId) {
    context.log.debug("pull_request without installation: ignored");
    return;
  }
  const trigger = payload.action as ReviewTrigger;
  const outcome = await enqueueReview(
    deps,
    {
      installationId,
      repositoryId: payload.repository.id,
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      pullNumber: payload.pull_request.number,
      trigger,
      // A push reviews what changed since the last review; the worker falls back to the base
      // when there is no earlier review or a force-push removed it.
      mode: trigger === "synchronize" ? "incremental" : "full",
      deliveryId: context.id,
      headSha: payload.pull_request.head.sha,
    },
    `pull_request.${payload.action}`,
  );
  context.log.info({ outcome, pull: payload.pull_request.number }, "review request handled");
}
