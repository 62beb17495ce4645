import type { WorkerDependencies } from "../runtime/start-workers.ts";
import type { JobHandler } from "../queue/jobs.ts";
import { QUEUES } from "../queue/jobs.ts";
import { createAnthropicReviewModel } from "./anthropic-review-model.ts";
import type { Octokit } from "./github-types.ts";
import { reviewPullRequest } from "./review-pull-request.ts";
import { getAppSlug } from "../app/get-app-slug.ts";

/**
 * The worker side of `review-pull-request`: authenticates as the installation and runs the
 * pipeline. The model comes from configuration (none without ANTHROPIC_API_KEY, which the review
 * reports on its check run) unless the dependencies bring one.
 */
export function createReviewJobHandler(
  deps: WorkerDependencies,
): JobHandler<"review-pull-request"> {
  const { config } = deps;
  const model =
    deps.model ??
    (config.model.apiKey
      ? createAnthropicReviewModel({
          apiKey: config.model.apiKey,
          baseUrl: config.model.baseUrl,
          model: config.model.id,
          timeoutMs: config.model.timeoutMs,
          maxRetries: config.model.maxRetries,
          log: deps.log,
        })
      : null);
  const ownSecrets = [
    config.model.apiKey,
    config.github.privateKey,
    config.github.webhookSecret,
  ].filter((secret): secret is string => Boolean(secret));
  return async (job, context) => {
    const octokit = (await deps.probot.auth(job.installationId)) as Octokit;
    const slug = await getAppSlug(deps.probot);
    await reviewPullRequest(
      {
        config,
        db: deps.db,
        octokit,
        model,
        slug,
        ownSecrets,
        now: deps.now,
        ...deps.reviewExtensions,
      },
      job,
      {
        jobId: context.jobId,
        retryCount: context.retryCount,
        retryLimit: QUEUES["review-pull-request"].retryLimit ?? 0,
        log: context.log,
        signal: context.signal,
      },
    );
  };
}
