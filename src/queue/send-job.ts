import type { ConnectionOptions, PgBoss, SendOptions } from "pg-boss";
import type { JobName, JobPayloads } from "./jobs.ts";

/**
 * Enqueues a job. Returns the job id, or null when the queue's policy suppressed it (a job for the
 * same singleton key is already queued). Pass `db` (pg-boss's `fromKysely(trx)`) to enqueue inside
 * your own transaction.
 */
export async function sendJob<N extends JobName>(
  boss: PgBoss,
  name: N,
  payload: JobPayloads[N],
  options: SendOptions & ConnectionOptions = {},
): Promise<string | null> {
  return boss.send(name, payload, options);
}
