import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import type { Metrics } from "../metrics/create-metrics.ts";
import type { JobHandler, JobName } from "../queue/jobs.ts";
import { workJobs } from "../queue/work-jobs.ts";
import { createReviewJobHandler } from "../review/review-job-handler.ts";
import type { ReviewModel } from "../model/review-model.ts";
import type { ReviewDependencies } from "../review/review-pull-request.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { createEmbedder } from "../embeddings/create-embedder.ts";
import type { Octokit } from "../github/github-types.ts";
import { createIndexJobHandler } from "../indexing/index-job-handler.ts";
import { createDropIndexJobHandler } from "../indexing/drop-index-job-handler.ts";
import { createCodeContextProvider } from "../context/create-code-context-provider.ts";
import type { ConversationModel } from "../model/anthropic-conversation-model.ts";
import {
  createBeforeReview,
  createMemoryJobHandlers,
  createMemoryReviewExtensions,
} from "../memory/create-memory-workers.ts";
import type { ReviewJob } from "../queue/jobs.ts";

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
  /** Where review outcomes, tokens, cost and job failures are counted (absent: not counted). */
  metrics?: Metrics;
  /** Context, memory and the finding gate (the index and memory features plug in here). */
  reviewExtensions?: Pick<ReviewDependencies, "context" | "memory" | "gate">;
  /** Embeds code for the index and its retrieval; built from config (REVUE_EMBEDDINGS) when absent. */
  embedder?: Embedder;
  /** Reads replies in Revue's threads (team memory); built from config when absent. */
  conversationModel?: ConversationModel;
  /** Runs in the review job before each review: reactions and addressed findings (team memory). */
  beforeReview?: (octokit: Octokit, job: ReviewJob, log: Logger) => Promise<void>;
};

/**
 * The handler of every job, wired from the dependencies: what `startWorkers` runs, and what the AWS
 * Lambda worker function (src/lambda/worker-function.ts) runs.
 */
export function createJobHandlers(deps: WorkerDependencies): { [N in JobName]: JobHandler<N> } {
  const embedder = deps.embedder ?? createEmbedder(deps.config.embeddings);
  // Reviews get codebase context by default (empty until the repository is indexed).
  // Team memory fills the memory slot and gates findings by default (src/memory).
  const memoryExtensions = createMemoryReviewExtensions({ ...deps, embedder });
  const reviewExtensions = {
    ...deps.reviewExtensions,
    context: deps.reviewExtensions?.context ?? createCodeContextProvider({ db: deps.db, embedder }),
    memory: deps.reviewExtensions?.memory ?? memoryExtensions.memory,
    gate: deps.reviewExtensions?.gate ?? memoryExtensions.gate,
  };
  const beforeReview = deps.beforeReview ?? createBeforeReview({ ...deps, embedder });
  const handlers: { [N in JobName]: JobHandler<N> } = {
    "review-pull-request": createReviewJobHandler({ ...deps, reviewExtensions, beforeReview }),
    ...createMemoryJobHandlers({ ...deps, embedder }),
    "index-repository": createIndexJobHandler({
      ...deps,
      embedder,
      auth: async (installationId) => (await deps.probot.auth(installationId)) as Octokit,
    }),
    "drop-code-index": createDropIndexJobHandler(deps),
  };
  return handlers;
}

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
  deps.log.info({ queues: started }, "workers started");
  return async () => {
    for (const name of started) await deps.boss.offWork(name, { wait: true });
  };
}
