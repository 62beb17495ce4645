import type { Octokit } from "../github/github-types.ts";
import { createCodeContextProvider } from "../context/create-code-context-provider.ts";
import { chunkSource } from "../indexing/chunk-source.ts";
import { createDropIndexJobHandler } from "../indexing/drop-index-job-handler.ts";
import { createIndexJobHandler } from "../indexing/index-job-handler.ts";
import {
  createBeforeReview,
  createMemoryJobHandlers,
  createMemoryReviewExtensions,
} from "../memory/create-memory-workers.ts";
import type { JobHandler } from "../queue/jobs.ts";
import { createReviewJobHandler } from "../review/review-job-handler.ts";
import { createClients } from "./create-clients.ts";
import type { WorkerDependencies } from "./worker-dependencies.ts";

/** The jobs of the features (review, team memory, indexing): their modules load with their first job. */
export type FeatureJobName =
  | "review-pull-request"
  | "memory-command"
  | "learn-from-reply"
  | "collect-reactions"
  | "index-repository"
  | "drop-code-index";

/**
 * The handler of each feature's job, each feature given what it uses. Imported by
 * create-job-handlers.ts at the first such job, with every module of the features behind it.
 */
export function createFeatureJobHandlers(deps: WorkerDependencies): {
  [N in FeatureJobName]: JobHandler<N>;
} {
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
  };
}
