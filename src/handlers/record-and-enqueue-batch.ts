import { randomUUID } from "node:crypto";
import { fromKysely, type JobInsert, type PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import type { JobName } from "../queue/jobs.ts";
import type { EnqueueOutcome, IntakeEntry } from "./intake-entry.ts";

/**
 * Records many deliveries and enqueues their jobs in ONE transaction, in a fixed number of
 * statements whatever the batch's size: one multi-row insert of the deliveries, then one pg-boss
 * `insert` per job name (a multi-row insert that fires at most one NOTIFY for the batch), then the
 * commit. Returns each entry's outcome, in order, as `recordAndEnqueue` would have for it alone:
 * a delivery id seen before, or seen earlier in the same batch, is a `redelivery` and enqueues
 * nothing; a job absorbed by a queued job with the same singleton key (queued before, or earlier
 * in the batch) leaves its entry `already-queued`.
 * All or nothing: throws what the database or the queue throws, and then nothing of the batch
 * was stored (the caller writes each entry alone to find the one at fault).
 */
export async function recordAndEnqueueBatch(
  deps: { db: Database; boss: PgBoss },
  entries: readonly IntakeEntry[],
): Promise<EnqueueOutcome[]> {
  if (entries.length === 0) return [];
  // The first entry with an id is the delivery; any later one with that id is its redelivery.
  const firstWithId = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!firstWithId.has(entry.delivery.id)) firstWithId.set(entry.delivery.id, index);
  });
  return deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("webhook_deliveries")
      .values(
        [...firstWithId.values()].map((index) => ({
          delivery_id: entries[index]!.delivery.id,
          event: entries[index]!.delivery.event,
        })),
      )
      .onConflict((oc) => oc.column("delivery_id").doNothing())
      .returning("delivery_id")
      .execute();
    const newIds = new Set(inserted.map((row) => row.delivery_id));
    const recorded = entries.map(
      (entry, index) =>
        newIds.has(entry.delivery.id) && firstWithId.get(entry.delivery.id) === index,
    );

    // Ids chosen here, so the ids pg-boss returns (the rows not absorbed) name their entries.
    const jobIdsOf = entries.map(() => [] as string[]);
    const byName = new Map<JobName, JobInsert[]>();
    entries.forEach((entry, index) => {
      if (!recorded[index]) return;
      for (const job of entry.jobs) {
        const id = randomUUID();
        jobIdsOf[index]!.push(id);
        const jobs = byName.get(job.name) ?? [];
        jobs.push({
          id,
          data: job.payload,
          ...(job.singletonKey === undefined ? {} : { singletonKey: job.singletonKey }),
        });
        byName.set(job.name, jobs);
      }
    });
    const queued = new Set<string>();
    for (const [name, jobs] of byName) {
      const ids = await deps.boss.insert(name, jobs, { db: fromKysely(trx), returnId: true });
      for (const id of ids ?? []) queued.add(id);
    }
    return entries.map((_, index): EnqueueOutcome => {
      if (!recorded[index]) return "redelivery";
      return jobIdsOf[index]!.some((id) => queued.has(id)) ? "queued" : "already-queued";
    });
  });
}
