import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import type { JobHandler, ReviewJob } from "../queue/jobs.ts";
import { QUEUES } from "../queue/jobs.ts";
import type { ReviewModel } from "./review-model.ts";
import type { Octokit } from "../github/github-types.ts";
import {
  reviewPullRequest,
  type ReviewDependencies,
  type ReviewOutcome,
} from "./review-pull-request.ts";
import { recordReview, type Metrics, type ReviewUsage } from "../metrics/create-metrics.ts";
import { getAppSlug } from "../github/get-app-slug.ts";

/** What the review job uses, built once by the composition root (src/runtime). */
export type ReviewJobDependencies = {
  config: Config;
  db: Database;
  /** Authenticates as an installation (`probot.auth(id)`) and names the App (its slug). */
  probot: Probot;
  /** Null without ANTHROPIC_API_KEY: the review then says on its check run what to set. */
  model: ReviewModel | null;
  /** The review on another allowed model (a repository's choice); absent: always `model`. */
  modelFor?: (id: string) => ReviewModel;
  now?: () => Date;
  /** Where review outcomes, tokens and cost are counted (absent: not counted). */
  metrics?: Metrics;
  /** Context, memory and the finding gate (the index and memory features plug in here). */
  reviewExtensions?: Pick<ReviewDependencies, "context" | "memory" | "gate">;
  /** Runs before each review: reactions and addressed findings (team memory). Never fails it. */
  beforeReview?: (octokit: Octokit, job: ReviewJob, log: Logger) => Promise<void>;
};

/**
 * The worker side of `review-pull-request`: authenticates as the installation and runs the
 * pipeline with the model it is given.
 */
export function createReviewJobHandler(
  deps: ReviewJobDependencies,
): JobHandler<"review-pull-request"> {
  const { config, model } = deps;
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
          ...(deps.modelFor ? { modelFor: deps.modelFor } : {}),
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
  deps: ReviewJobDependencies,
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
