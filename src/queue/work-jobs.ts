import type { Job, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { coerceError, PermanentJobError } from "./job-errors.ts";
import type { JobName, JobPayloads } from "./jobs.ts";

export type JobContext = {
  /** A logger whose every line carries the job's id and name. */
  log: Logger;
  jobId: string;
  /** 0 on the first attempt. */
  retryCount: number;
  /** Aborted when the worker is stopping or the job expired: hand the job back soon. */
  signal: AbortSignal;
};

export type JobHandler<N extends JobName> = (
  payload: JobPayloads[N],
  context: JobContext,
) => Promise<void>;

/**
 * Runs `handler` for each job of `name`, `concurrency` at a time.
 * A thrown error fails the attempt and pg-boss retries with backoff; a PermanentJobError, or the
 * last retry, sends the job to its dead-letter queue. Returns the worker id (for offWork).
 */
export async function workJobs<N extends JobName>(
  boss: PgBoss,
  name: N,
  handler: JobHandler<N>,
  options: { log: Logger; concurrency: number; pollSeconds: number },
): Promise<string> {
  return boss.work<JobPayloads[N]>(
    name,
    {
      localConcurrency: options.concurrency,
      pollingIntervalSeconds: options.pollSeconds,
      // Retries and delayed jobs send no NOTIFY, so the backstop poll must stay short too.
      notifyPollingIntervalSeconds: options.pollSeconds,
      batchSize: 1,
      perJobResults: true,
    },
    async (jobs: Job<JobPayloads[N]>[]) => {
      const results = [];
      for (const job of jobs) {
        const log = options.log.child({ jobId: job.id, job: name, attempt: job.retryCount });
        const started = Date.now();
        try {
          await handler(job.data, {
            log,
            jobId: job.id,
            retryCount: job.retryCount,
            signal: job.signal,
          });
          log.info({ ms: Date.now() - started }, "job completed");
          results.push({ id: job.id, status: "completed" as const });
        } catch (thrown) {
          const error = coerceError(thrown);
          const permanent = error instanceof PermanentJobError;
          log.error({ err: error, permanent, ms: Date.now() - started }, "job failed");
          results.push({
            id: job.id,
            status: permanent ? ("deadletter" as const) : ("failed" as const),
            output: { message: error.message, name: error.name, permanent },
          });
        }
      }
      return results;
    },
  );
}
