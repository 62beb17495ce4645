import { ORPHAN_SWEEP_CRON, REDELIVERY_CRON, type JobName } from "../queue/jobs.ts";
import { sendJob } from "../queue/send-job.ts";
import { workJobs } from "../queue/work-jobs.ts";
import { createJobHandlers, type WorkerDependencies } from "./create-job-handlers.ts";

// Tests start workers with `startWorkers` and type their overrides with this.
export type { WorkerDependencies } from "./create-job-handlers.ts";

/** How long handlers get to return once their signal is aborted, before the stop goes on without them. */
const HANDLER_EXIT_MS = 2000;

/**
 * Starts a worker for every job. Returns a function that stops taking new jobs, gives the running
 * ones `config.workers.shutdownGraceSeconds` to finish, then aborts their signals and hands them
 * back to the queue uncounted (work-jobs.ts), so another worker runs them at once. It resolves at
 * most HANDLER_EXIT_MS after the grace: a handler that ignores its signal is left to pg-boss's
 * stop, which fails its job (retried like any failure).
 */
export async function startWorkers(
  deps: WorkerDependencies & {
    /** pg-boss's schema (default `pgboss`). */
    queueSchema?: string;
  },
): Promise<() => Promise<void>> {
  const handlers = createJobHandlers(deps);
  const handBack = new AbortController();
  const queueSchema = deps.queueSchema ?? "pgboss";
  const started: JobName[] = [];
  const work = <N extends JobName>(name: N, options: Parameters<typeof workJobs>[3]) =>
    workJobs(deps.boss, name, handlers[name], options);
  for (const name of Object.keys(handlers) as JobName[]) {
    await work(name, {
      log: deps.log,
      concurrency: deps.config.workers.concurrency,
      pollSeconds: deps.config.workers.pollSeconds,
      metrics: deps.metrics,
      handBack: { signal: handBack.signal, queueSchema },
    });
    started.push(name);
  }
  // Deliveries lost while Revue was down or failing: asked for again now, and every 10 minutes.
  await deps.boss.schedule("redeliver-failed-deliveries", REDELIVERY_CRON, { reason: "schedule" });
  await sendJob(deps.boss, "redeliver-failed-deliveries", { reason: "start" });
  // Reviews whose worker died on their last attempt: their check runs closed, now and every 5 minutes.
  await deps.boss.schedule("close-orphan-reviews", ORPHAN_SWEEP_CRON, { reason: "schedule" });
  await sendJob(deps.boss, "close-orphan-reviews", { reason: "start" });
  deps.log.info({ queues: started }, "workers started");
  return async () => {
    const drained = Promise.all(started.map((name) => deps.boss.offWork(name, { wait: true })));
    if (await settlesWithin(drained, deps.config.workers.shutdownGraceSeconds * 1000)) return;
    deps.log.warn(
      { graceSeconds: deps.config.workers.shutdownGraceSeconds },
      "shutdown grace over: handing running jobs back to the queue",
    );
    handBack.abort(new Error("the worker is stopping: the job goes back to the queue"));
    await settlesWithin(drained, HANDLER_EXIT_MS);
  };
}

/** Whether `promise` settles within `ms`; the timer never outlives the answer. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
