import type { Transaction } from "kysely";
import type { PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import type { DatabaseSchema } from "../db/schema.ts";
import type { GroupCommitIntake } from "./group-commit-intake.ts";
import type { EnqueueOutcome, JobToEnqueue } from "./intake-entry.ts";
import { recordAndEnqueueAlone } from "./record-and-enqueue-alone.ts";

export type { EnqueueOutcome, JobToEnqueue };

/**
 * What a handler needs to store a delivery: the database and the queue, and in a long-running web
 * process the group-commit intake that writes concurrent deliveries together.
 */
export type IntakeDependencies = { db: Database; boss: PgBoss; intake?: GroupCommitIntake };

/**
 * Records the webhook delivery, writes the handler's rows (`write`, optional) and enqueues `jobs`,
 * all in one transaction: all of it happens or none of it does, so a job never runs for a row that
 * was rolled back and a failed request leaves nothing behind for GitHub's redelivery to trip on.
 * A redelivery (a delivery id seen before) writes and enqueues nothing.
 * Throws what the database or the queue throws (the transaction is rolled back).
 * With `deps.intake`, a delivery without `write` is written with the others that arrive with it
 * (group-commit-intake.ts), with the same guarantees and the same outcome; it resolves only after
 * its commit. A delivery with `write` (rare: installations, commands) has a transaction of its own.
 */
export async function recordAndEnqueue(
  deps: IntakeDependencies,
  delivery: { id: string; event: string },
  jobs: readonly JobToEnqueue[],
  write?: (trx: Transaction<DatabaseSchema>) => Promise<void>,
): Promise<EnqueueOutcome> {
  if (deps.intake && write === undefined) return deps.intake.write({ delivery, jobs });
  return recordAndEnqueueAlone(deps, delivery, jobs, write);
}
