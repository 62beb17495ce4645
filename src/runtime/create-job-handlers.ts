import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "../config/read-config.ts";
import { createCodeContextProvider } from "../context/create-code-context-provider.ts";
import type { Database } from "../db/open-database.ts";
import type { Octokit } from "../github/github-types.ts";
import { chunkSource } from "../indexing/chunk-source.ts";
import { createIndexJobHandler } from "../indexing/index-job-handler.ts";
import { createDropIndexJobHandler } from "../indexing/drop-index-job-handler.ts";
import {
  createBeforeReview,
  createMemoryJobHandlers,
  createMemoryReviewExtensions,
} from "../memory/create-memory-workers.ts";
import type { Metrics } from "../metrics/create-metrics.ts";
import type { JobHandler, JobName } from "../queue/jobs.ts";
import {
  createReviewJobHandler,
  type ReviewJobDependencies,
} from "../review/review-job-handler.ts";
import { createRedeliveryJobHandler } from "../recovery/redelivery-job-handler.ts";
import { createCloseOrphansJobHandler } from "../review/close-orphan-reviews.ts";
import { createClients, type Clients } from "./create-clients.ts";

/**
 * What the job handlers are built from. The composition root (build-runtime.ts) passes every
 * client; a test may leave a client out (it is then built from `config`) or pass a fake.
 */
export type WorkerDependencies = Partial<Clients> & {
  config: Config;
  db: Database;
  boss: PgBoss;
  log: Logger;
  /** Authenticates as an installation (`probot.auth(id)`). */
  probot: Probot;
  now?: () => Date;
  /** Where review outcomes, tokens, cost and job failures are counted (absent: not counted). */
  metrics?: Metrics;
  /** Replaces the review's context, memory or gate (by default the index and team memory). */
  reviewExtensions?: ReviewJobDependencies["reviewExtensions"];
  /** Replaces what runs before each review (by default team memory's reactions and addressed findings). */
  beforeReview?: ReviewJobDependencies["beforeReview"];
};

/**
 * The handler of every job, each feature given what it uses: what `startWorkers` runs, and what
 * the AWS Lambda worker function (src/lambda/worker-function.ts) runs.
 */
export function createJobHandlers(deps: WorkerDependencies): { [N in JobName]: JobHandler<N> } {
  const { config, db, probot, now } = deps;
  const { model, reviewModelFor, conversationModel, embedder } = createClients(
    config,
    deps.log,
    deps,
  );
  // Reviews get codebase context by default (empty until the repository is indexed).
  // Team memory fills the memory slot and gates findings by default (src/memory).
  const memoryExtensions = createMemoryReviewExtensions({ config, db, embedder, now });
  const reviewExtensions = {
    ...deps.reviewExtensions,
    context:
      deps.reviewExtensions?.context ??
      createCodeContextProvider({
        db,
        embedder,
        // The index holds the default branch's head; a pull request's base may be elsewhere.
        base: {
          auth: async (installationId) => (await probot.auth(installationId)) as Octokit,
          chunkFile: async (path, text) => await chunkSource(path, text),
        },
      }),
    memory: deps.reviewExtensions?.memory ?? memoryExtensions.memory,
    gate: deps.reviewExtensions?.gate ?? memoryExtensions.gate,
  };
  const beforeReview = deps.beforeReview ?? createBeforeReview({ db, now });
  return {
    "review-pull-request": createReviewJobHandler({
      config,
      db,
      probot,
      model,
      ...(reviewModelFor ? { modelFor: reviewModelFor } : {}),
      now,
      metrics: deps.metrics,
      reviewExtensions,
      beforeReview,
    }),
    ...createMemoryJobHandlers({ config, db, probot, embedder, conversationModel, now }),
    "index-repository": createIndexJobHandler({
      config,
      db,
      log: deps.log,
      embedder,
      auth: async (installationId) => (await probot.auth(installationId)) as Octokit,
    }),
    "drop-code-index": createDropIndexJobHandler({ db }),
    "redeliver-failed-deliveries": createRedeliveryJobHandler({ db, probot, now }),
    "close-orphan-reviews": createCloseOrphansJobHandler({ db, boss: deps.boss, probot, now }),
  };
}
