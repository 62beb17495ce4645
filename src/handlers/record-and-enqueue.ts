import type { Transaction } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import type { DatabaseSchema } from "../db/schema.ts";
import type { JobName, JobPayloads } from "../queue/jobs.ts";
import { sendJob } from "../queue/send-job.ts";
import { recordDelivery } from "./record-delivery.ts";

/** One job to enqueue: its name, its payload, and its singleton key when its queue has one. */
export type JobToEnqueue<N extends JobName = JobName> = {
  [K in N]: { name: K; payload: JobPayloads[K]; singletonKey?: string };
}[N];

/**
 * `queued`: at least one job was queued; `already-queued`: every job was absorbed by one already
 * queued under the same singleton key (or there was none to send); `redelivery`: the delivery was
 * seen before, so nothing was written or queued.
 */
export type EnqueueOutcome = "queued" | "redelivery" | "already-queued";

/**
 * Records the webhook delivery, writes the handler's rows (`write`, optional) and enqueues `jobs`,
 * all in one transaction: all of it happens or none of it does, so a job never runs for a row that
 * was rolled back and a failed request leaves nothing behind for GitHub's redelivery to trip on.
 * A redelivery (a delivery id seen before) writes and enqueues nothing.
 * Throws what the database or the queue throws (the transaction is rolled back).
 */
export async function recordAndEnqueue(
  deps: { db: Database; boss: PgBoss },
  delivery: { id: string; event: string },
  jobs: readonly JobToEnqueue[],
  write?: (trx: Transaction<DatabaseSchema>) => Promise<void>,
): Promise<EnqueueOutcome> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await recordDelivery(trx, delivery.id, delivery.event))) return "redelivery";
    await write?.(trx);
    let queued = 0;
    for (const job of jobs) {
      if ((await enqueueInside(deps.boss, trx, job)) !== null) queued += 1;
    }
    return queued > 0 ? "queued" : "already-queued";
  });
}

/** Sends one job on `trx`'s connection: it becomes visible to workers only when `trx` commits. */
function enqueueInside<N extends JobName>(
  boss: PgBoss,
  trx: Transaction<DatabaseSchema>,
  job: JobToEnqueue<N>,
): Promise<string | null> {
  return sendJob(boss, job.name, job.payload, {
    ...(job.singletonKey === undefined ? {} : { singletonKey: job.singletonKey }),
    db: fromKysely(trx),
  });
}
