import type { Job, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { toStorableText } from "../db/storable-text.ts";
import { handBackJobs } from "./hand-back-jobs.ts";
import { coerceError, PermanentJobError } from "./job-errors.ts";
import type { JobHandler, JobName, JobPayloads } from "./jobs.ts";
import type { Metrics } from "../metrics/create-metrics.ts";

/**
 * How a stopping worker gives its running jobs back: aborting `signal` aborts every running
 * handler's signal, and each job whose handler then ends without completing goes back to the queue
 * uncounted (hand-back-jobs.ts) instead of failing. `queueSchema` is pg-boss's schema.
 */
export type HandBack = { signal: AbortSignal; queueSchema: string };

export type WorkOptions = {
  log: Logger;
  concurrency: number;
  pollSeconds: number;
  metrics?: Metrics;
  handBack?: HandBack;
};

/**
 * Runs `handler` for each job of `name`: `concurrency` pollers, each running up to two jobs at once.
 * A thrown error fails the attempt and pg-boss retries with backoff; a PermanentJobError, or the
 * last retry, sends the job to its dead-letter queue. While a handler runs, pg-boss refreshes its
 * job's heartbeat (the queue's `heartbeatSeconds`), so a job whose process dies is failed and
 * retried soon. Returns the worker id (for offWork).
 */
export async function workJobs<N extends JobName>(
  boss: PgBoss,
  name: N,
  handler: JobHandler<N>,
  options: WorkOptions,
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
    async (jobs: Job<JobPayloads[N]>[]) => {
      const handBack = options.handBack;
      const stopped: Job<JobPayloads[N]>[] = [];
      const results = await Promise.all(
        jobs.map(async (job) => {
          const result = await runJob(
            name,
            handBack ? { ...job, signal: AbortSignal.any([job.signal, handBack.signal]) } : job,
            handler,
            { ...options, handedBack: handBack?.signal },
          );
          if (result.status === "failed" && handBack?.signal.aborted) stopped.push(job);
          return result;
        }),
      );
      // Before pg-boss settles the batch: a job moved back to the queue is no longer active under
      // this claim, so the failure pg-boss then records for it changes nothing.
      if (handBack && stopped.length > 0)
        await giveBack(boss, name, stopped, handBack, options.log);
      return results;
    },
  );
}

/** Hands `jobs` back; what cannot be handed back is failed by pg-boss and retried like a failure. */
async function giveBack(
  boss: PgBoss,
  name: JobName,
  jobs: Job<unknown>[],
  handBack: HandBack,
  log: Logger,
): Promise<void> {
  try {
    const moved = await handBackJobs(boss, handBack.queueSchema, name, jobs);
    log.info({ job: name, jobIds: moved }, "jobs handed back to the queue");
    if (moved.length < jobs.length) {
      log.warn(
        { job: name, jobIds: jobs.map((job) => job.id).filter((id) => !moved.includes(id)) },
        "jobs not handed back (no longer claimed, or their key already has a job waiting): failed instead",
      );
    }
  } catch (error) {
    log.error({ err: error, job: name }, "could not hand jobs back: they fail and retry instead");
  }
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
 * in `metrics` by the error's name, except an error thrown once `handedBack` is aborted: the
 * worker is handing the job back, so it is logged as such and not counted. Shared by `workJobs`
 * and the Lambda worker.
 */
export async function runJob<N extends JobName>(
  name: N,
  job: Pick<Job<JobPayloads[N]>, "id" | "data" | "retryCount" | "signal">,
  handler: JobHandler<N>,
  options: { log: Logger; metrics?: Metrics; handedBack?: AbortSignal },
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
    if (options.handedBack?.aborted && !permanent) {
      log.info({ err: error, ms: Date.now() - started }, "job stopped: the worker is stopping");
    } else {
      log.error({ err: error, permanent, ms: Date.now() - started }, "job failed");
      options.metrics?.jobFailures.inc({ job: name, cause: error.name || "Error" });
    }
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
