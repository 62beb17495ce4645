import type { PgBoss } from "pg-boss";
import type { JobName } from "./jobs.ts";

/** One claimed attempt of a job: its id and the retry count it was fetched at. */
export type ClaimedJob = { id: string; retryCount: number };

/**
 * Puts jobs this worker claimed back in the queue, ready to run at once on any worker, without
 * counting the attempt: used when a stopping worker's grace is over. Each job goes to `retry` with
 * no start time, and pg-boss increments the retry count only for a job that has one, so the next
 * claim runs at the same count and the job keeps its whole retry budget.
 *
 * Only attempts still `active` at the retry count they were claimed at move: a job that finished,
 * failed or expired meanwhile is left alone. A keyed (`stately`) job whose key already has a job
 * waiting in `retry` stays too (the queue allows one per key); pg-boss's own shutdown then fails
 * it, and it retries like any failure. Returns the ids moved. Throws when the database does not
 * answer (the jobs then stay active, and their heartbeat ends them).
 */
export async function handBackJobs(
  boss: PgBoss,
  schema: string,
  name: JobName,
  jobs: ClaimedJob[],
): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) {
    throw new Error(`queue schema name "${schema}" is not a plain identifier`);
  }
  if (jobs.length === 0) return [];
  const { rows } = await boss.getDb().executeSql(
    `UPDATE "${schema}".job j
        SET state = 'retry', started_on = NULL, heartbeat_on = NULL, start_after = now(),
            upsert_by_key = NULL
      WHERE j.name = $1
        AND j.state = 'active'
        AND (j.id::text || ':' || j.retry_count::text) = ANY($2::text[])
        AND NOT (j.policy = 'stately' AND EXISTS (
          SELECT 1 FROM "${schema}".job waiting
           WHERE waiting.name = j.name AND waiting.state = 'retry'
             AND waiting.policy = 'stately'
             AND COALESCE(waiting.singleton_key, '') = COALESCE(j.singleton_key, '')))
      RETURNING j.id`,
    [name, jobs.map((job) => `${job.id}:${job.retryCount}`)],
  );
  return (rows as { id: string }[]).map((row) => row.id);
}
