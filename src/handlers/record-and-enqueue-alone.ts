import type { Transaction } from "kysely";
import { fromKysely, type PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import type { DatabaseSchema } from "../db/schema.ts";
import type { JobName } from "../queue/jobs.ts";
import { sendJob } from "../queue/send-job.ts";
import type { EnqueueOutcome, JobToEnqueue } from "./intake-entry.ts";
import { recordDelivery } from "./record-delivery.ts";

/** `recordAndEnqueue` in a transaction of its own, without the group-commit intake. */
export async function recordAndEnqueueAlone(
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
