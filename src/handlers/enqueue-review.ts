import { fromKysely, type PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import { reviewKey, type ReviewJob } from "../queue/jobs.ts";
import { sendJob } from "../queue/send-job.ts";
import { recordDelivery } from "./record-delivery.ts";

export type EnqueueOutcome = "queued" | "redelivery" | "already-queued";

/**
 * Records the delivery and enqueues the review in one transaction: both happen or neither.
 * A redelivered webhook (same delivery id) enqueues nothing; a review already queued for the same
 * pull request absorbs this one (the queued job reads the newest head when it runs).
 */
export async function enqueueReview(
  deps: { db: Database; boss: PgBoss },
  job: ReviewJob,
  event: string,
): Promise<EnqueueOutcome> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await recordDelivery(trx, job.deliveryId, event))) return "redelivery";
    const id = await sendJob(deps.boss, "review-pull-request", job, {
      singletonKey: reviewKey(job),
      db: fromKysely(trx),
    });
    return id === null ? "already-queued" : "queued";
  });
}
