import { reviewKey, type ReviewJob } from "../queue/jobs.ts";
import { requestFullReview } from "../review/full-review-requests.ts";
import {
  recordAndEnqueue,
  type EnqueueOutcome,
  type IntakeDependencies,
} from "./record-and-enqueue.ts";

export type { EnqueueOutcome };

/**
 * Records the delivery and enqueues the review in one transaction: both happen or neither.
 * A redelivered webhook (same delivery id) enqueues nothing; a review already queued for the same
 * pull request absorbs this one (the queued job reads the newest head when it runs). A full review
 * asked for by command (`command-full`) is also counted on the pull request in that transaction,
 * so the job that absorbs it reviews in full even a head already reviewed
 * (src/review/full-review-requests.ts): a re-review command is never lost.
 */
export async function enqueueReview(
  deps: IntakeDependencies,
  job: ReviewJob,
  event: string,
): Promise<EnqueueOutcome> {
  const requestsFullReview = job.trigger === "command-full";
  return recordAndEnqueue(
    deps,
    { id: job.deliveryId, event },
    [{ name: "review-pull-request", payload: job, singletonKey: reviewKey(job) }],
    requestsFullReview ? (trx) => requestFullReview(trx, job) : undefined,
  );
}
