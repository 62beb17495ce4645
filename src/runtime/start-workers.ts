import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import type { JobHandler, JobName } from "../queue/jobs.ts";
import { workJobs } from "../queue/work-jobs.ts";
import { createReviewJobHandler } from "../pipeline/review-job-handler.ts";
import type { ReviewModel } from "../pipeline/review-model.ts";
import type { ReviewDependencies } from "../pipeline/review-pull-request.ts";

export type WorkerDependencies = {
  config: Config;
  db: Database;
  boss: PgBoss;
  log: Logger;
  /** Authenticates as an installation (`probot.auth(id)`). */
  probot: Probot;
  /** The model; built from config when absent. Tests pass a fake over HTTP. */
  model?: ReviewModel;
  now?: () => Date;
  /** Context, memory and the finding gate (the index and memory features plug in here). */
  reviewExtensions?: Pick<ReviewDependencies, "context" | "memory" | "gate">;
};

/**
 * Starts a worker for every job. Returns a function that stops taking new jobs and waits for the
 * running ones to finish (pg-boss hands back what outlives the stop timeout).
 */
export async function startWorkers(deps: WorkerDependencies): Promise<() => Promise<void>> {
  const handlers: { [N in JobName]: JobHandler<N> } = {
    "review-pull-request": createReviewJobHandler(deps),
  };
  const started: JobName[] = [];
  for (const name of Object.keys(handlers) as JobName[]) {
    await workJobs(deps.boss, name, handlers[name], {
      log: deps.log,
      concurrency: deps.config.workers.concurrency,
      pollSeconds: deps.config.workers.pollSeconds,
    });
    started.push(name);
  }
  deps.log.info({ queues: started }, "workers started");
  return async () => {
    for (const name of started) await deps.boss.offWork(name, { wait: true });
  };
}
