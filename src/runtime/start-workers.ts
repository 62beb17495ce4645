import { REDELIVERY_CRON, type JobName } from "../queue/jobs.ts";
import { sendJob } from "../queue/send-job.ts";
import { workJobs } from "../queue/work-jobs.ts";
import { createJobHandlers, type WorkerDependencies } from "./create-job-handlers.ts";

// Tests start workers with `startWorkers` and type their overrides with this.
export type { WorkerDependencies } from "./create-job-handlers.ts";

/**
 * Starts a worker for every job. Returns a function that stops taking new jobs and waits for the
 * running ones to finish (pg-boss hands back what outlives the stop timeout).
 */
export async function startWorkers(deps: WorkerDependencies): Promise<() => Promise<void>> {
  const handlers = createJobHandlers(deps);
  const started: JobName[] = [];
  const work = <N extends JobName>(name: N, options: Parameters<typeof workJobs>[3]) =>
    workJobs(deps.boss, name, handlers[name], options);
  for (const name of Object.keys(handlers) as JobName[]) {
    await work(name, {
      log: deps.log,
      concurrency: deps.config.workers.concurrency,
      pollSeconds: deps.config.workers.pollSeconds,
      metrics: deps.metrics,
    });
    started.push(name);
  }
  // Deliveries lost while Revue was down or failing: asked for again now, and every 10 minutes.
  await deps.boss.schedule("redeliver-failed-deliveries", REDELIVERY_CRON, { reason: "schedule" });
  await sendJob(deps.boss, "redeliver-failed-deliveries", { reason: "start" });
  deps.log.info({ queues: started }, "workers started");
  return async () => {
    for (const name of started) await deps.boss.offWork(name, { wait: true });
  };
}
