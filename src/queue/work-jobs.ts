import type { Job, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { toStorableText } from "../db/storable-text.ts";
import { coerceError, PermanentJobError } from "./job-errors.ts";
import type { JobHandler, JobName, JobPayloads } from "./jobs.ts";
import type { Metrics } from "../metrics/create-metrics.ts";

/**
 * Runs `handler` for each job of `name`: `concurrency` pollers, each running up to two jobs at once.
 * A thrown error fails the attempt and pg-boss retries with backoff; a PermanentJobError, or the
 * last retry, sends the job to its dead-letter queue. Returns the worker id (for offWork).
 */
export async function workJobs<N extends JobName>(
  boss: PgBoss,
  name: N,
  handler: JobHandler<N>,
  options: { log: Logger; concurrency: number; pollSeconds: number; metrics?: Metrics },
): Promise<string> {
  return boss.work<JobPayloads[N]>(
    name,
    {
      localConcurrency: options.concurrency,
      pollingIntervalSeconds: options.pollSeconds,
      // Retries and delayed jobs send no NOTIFY, so the backstop poll must stay short too.
      notifyPollingIntervalSeconds: options.pollSeconds,
      // Two jobs a fetch, run side by side; while fetches come back full the worker fetches again
      // at once instead of waiting out the poll (pg-boss waits a whole interval after a batch of 1).
      batchSize: 2,
      burstWhenBatchFull: true,
      perJobResults: true,
    },
    async (jobs: Job<JobPayloads[N]>[]) =>
      Promise.all(jobs.map((job) => runJob(name, job, handler, options))),
  );
}

/** How one attempt ended, in the shape pg-boss's `perJobResults` takes. */
export type JobResult = {
  id: string;
  status: "completed" | "failed" | "deadletter";
  output?: { message: string; name: string; permanent: boolean };
};

/**
 * Runs one attempt of one job and says how it ended; never throws. Every log line of the job
 * carries its id and name and, when the payload has them, the delivery id, repository and pull
 * request. A PermanentJobError ends as `deadletter`; any other error as `failed` (retried), counted
 * in `metrics` by the error's name. Shared by `workJobs` and the Lambda worker.
 */
export async function runJob<N extends JobName>(
  name: N,
  job: Pick<Job<JobPayloads[N]>, "id" | "data" | "retryCount" | "signal">,
  handler: JobHandler<N>,
  options: { log: Logger; metrics?: Metrics },
): Promise<JobResult> {
  const log = options.log.child({
    jobId: job.id,
    job: name,
    attempt: job.retryCount,
    ...payloadLogFields(job.data),
  });
  const started = Date.now();
  try {
    await handler(job.data, {
      log,
      jobId: job.id,
      retryCount: job.retryCount,
      signal: job.signal,
    });
    log.info({ ms: Date.now() - started }, "job completed");
    return { id: job.id, status: "completed" };
  } catch (thrown) {
    const error = coerceError(thrown);
    const permanent = error instanceof PermanentJobError;
    log.error({ err: error, permanent, ms: Date.now() - started }, "job failed");
    options.metrics?.jobFailures.inc({ job: name, cause: error.name || "Error" });
    return {
      id: job.id,
      status: permanent ? "deadletter" : "failed",
      // pg-boss stores this as jsonb: an error quoting untrusted text must not fail the failing.
      output: {
        message: toStorableText(error.message),
        name: toStorableText(error.name),
        permanent,
      },
    };
  }
}

/** The fields every job's log lines carry, from payloads that name a delivery and a pull request. */
function payloadLogFields(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== "object") return {};
  const payload = data as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  if (typeof payload.deliveryId === "string") fields.delivery = payload.deliveryId;
  if (typeof payload.owner === "string" && typeof payload.repo === "string")
    fields.repo = `${payload.owner}/${payload.repo}`;
  if (typeof payload.pullNumber === "number") fields.pull = payload.pullNumber;
  return fields;
}
