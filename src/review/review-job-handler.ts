import type { WorkerDependencies } from "../runtime/start-workers.ts";
import type { JobHandler } from "../queue/jobs.ts";
import { QUEUES } from "../queue/jobs.ts";
import { createAnthropicModel } from "../model/anthropic-model.ts";
import type { Octokit } from "../github/github-types.ts";
import { reviewPullRequest, type ReviewOutcome } from "./review-pull-request.ts";
import { recordReview, type ReviewUsage } from "../metrics/create-metrics.ts";
import { getAppSlug } from "../github/get-app-slug.ts";
import { createReviewModel } from "./review-model.ts";

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
      ? createReviewModel(
          createAnthropicModel({
            apiKey: config.model.apiKey,
            baseUrl: config.model.baseUrl,
            model: config.model.id,
            timeoutMs: config.model.timeoutMs,
            maxRetries: config.model.maxRetries,
            log: deps.log,
          }),
        )
      : null);
  const ownSecrets = [
    config.model.apiKey,
    config.github.privateKey,
    config.github.webhookSecret,
  ].filter((secret): secret is string => Boolean(secret));
  return async (job, context) => {
    const octokit = (await deps.probot.auth(job.installationId)) as Octokit;
    const slug = await getAppSlug(deps.probot);
    // Team memory's signals (reactions, addressed findings); a failure there never stops a review.
    await deps
      .beforeReview?.(octokit, job, context.log)
      .catch((error: unknown) =>
        context.log.warn({ err: error }, "team memory signals not read before the review"),
      );
    const started = Date.now();
    let outcome: ReviewOutcome;
    try {
      outcome = await reviewPullRequest(
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
    } catch (error) {
      if (deps.metrics) recordReview(deps.metrics, "error", (Date.now() - started) / 1000);
      throw error;
    }
    if (deps.metrics) {
      // The review is done; a metrics problem must not fail (and so retry) the job.
      await recordOutcome(deps, outcome, (Date.now() - started) / 1000).catch((error) =>
        context.log.warn({ err: error }, "could not record review metrics"),
      );
    }
  };
}

/**
 * Counts a review's outcome and duration and, for a review this attempt finished (posted or
 * superseded), the tokens and cost stored on its row. A duplicate is not charged again.
 */
async function recordOutcome(
  deps: WorkerDependencies,
  outcome: ReviewOutcome,
  seconds: number,
): Promise<void> {
  const metrics = deps.metrics!;
  let usage: ReviewUsage | undefined;
  if (outcome.reviewId !== undefined && outcome.status !== "duplicate") {
    const row = await deps.db
      .selectFrom("reviews")
      .select([
        "model",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "cost_usd",
      ])
      .where("id", "=", outcome.reviewId)
      .executeTakeFirst();
    if (row) {
      usage = {
        model: row.model,
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        cacheReadTokens: Number(row.cache_read_tokens),
        cacheWriteTokens: Number(row.cache_write_tokens),
        costUsd: Number(row.cost_usd),
      };
    }
  }
  recordReview(metrics, outcome.status, seconds, usage);
}
