import type { JobHandler, JobName } from "../queue/jobs.ts";
import { createRedeliveryJobHandler } from "../recovery/redelivery-job-handler.ts";
import { createCloseOrphansJobHandler } from "../review/close-orphan-reviews.ts";
import { loadOnce } from "../model/load-once.ts";
import type { FeatureJobName } from "./create-feature-job-handlers.ts";
import type { WorkerDependencies } from "./worker-dependencies.ts";

// Tests and the Lambda worker type their dependencies with this.
export type { WorkerDependencies } from "./worker-dependencies.ts";

/**
 * The handler of every job, each feature given what it uses: what `startWorkers` runs, and what
 * the AWS Lambda worker function (src/lambda/worker-function.ts) runs. The features' handlers
 * (create-feature-job-handlers.ts) are imported and built at the first of their jobs: an idle server
 * loads none of the review pipeline, team memory or indexing (about 3 MiB). The two sweeps run at
 * every start, so they are built at once. A feature that fails to load fails each of its jobs
 * with that error (a module that does not load now will not load later).
 */
export function createJobHandlers(deps: WorkerDependencies): { [N in JobName]: JobHandler<N> } {
  const { db, probot, now } = deps;
  const features = loadOnce(() =>
    import("./create-feature-job-handlers.ts").then((feature) =>
      feature.createFeatureJobHandlers(deps),
    ),
  );
  const atFirstJob =
    <N extends FeatureJobName>(name: N): JobHandler<N> =>
    async (payload, context) =>
      (await features())[name](payload, context);
  return {
    "review-pull-request": atFirstJob("review-pull-request"),
    "memory-command": atFirstJob("memory-command"),
    "learn-from-reply": atFirstJob("learn-from-reply"),
    "collect-reactions": atFirstJob("collect-reactions"),
    "index-repository": atFirstJob("index-repository"),
    "drop-code-index": atFirstJob("drop-code-index"),
    "redeliver-failed-deliveries": createRedeliveryJobHandler({ db, probot, now }),
    "close-orphan-reviews": createCloseOrphansJobHandler({ db, boss: deps.boss, probot, now }),
  };
}
