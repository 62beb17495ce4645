import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The review outcomes counted: what `reviewPullRequest` returned, or `error` when it threw. */
export type ReviewOutcomeLabel =
  "posted" | "skipped" | "failed" | "superseded" | "duplicate" | "error";

/** A finished review's accounting, as stored on its `reviews` row. */
export type ReviewUsage = {
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
};

/**
 * Revue's Prometheus metrics on a registry of its own (never prom-client's global one, so two
 * instances in one process, as in tests, do not collide). Created once by the composition root and
 * passed to what records into it.
 */
export type Metrics = {
  registry: Registry;
  reviews: Counter<"outcome">;
  reviewDuration: Histogram<"outcome">;
  modelTokens: Counter<"model" | "kind">;
  modelCost: Counter<"model">;
  jobFailures: Counter<"job" | "cause">;
  queueDepth: Gauge<"queue" | "state">;
  oldestJobAge: Gauge<"queue">;
};

/** Creates the metrics. `prefix` defaults to `revue_`; process metrics are not included. */
export function createMetrics(prefix = "revue_"): Metrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    reviews: new Counter({
      name: `${prefix}reviews_total`,
      help: "Review jobs by outcome: posted, skipped, failed, superseded, duplicate (nothing to do) or error (the attempt threw and will retry or dead-letter).",
      labelNames: ["outcome"],
      registers,
    }),
    reviewDuration: new Histogram({
      name: `${prefix}review_duration_seconds`,
      help: "Wall time of one review attempt, from job start to outcome.",
      labelNames: ["outcome"],
      buckets: [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600],
      registers,
    }),
    modelTokens: new Counter({
      name: `${prefix}model_tokens_total`,
      help: "Model tokens spent on reviews, by kind: input, output, cache_read, cache_write.",
      labelNames: ["model", "kind"],
      registers,
    }),
    modelCost: new Counter({
      name: `${prefix}model_cost_usd_total`,
      help: "Estimated model cost of reviews in US dollars (REVUE_PRICE_*_PER_MTOK).",
      labelNames: ["model"],
      registers,
    }),
    jobFailures: new Counter({
      name: `${prefix}job_failures_total`,
      help: "Failed job attempts by job and cause (the error's name, e.g. PermanentJobError, ModelRateLimitError).",
      labelNames: ["job", "cause"],
      registers,
    }),
    queueDepth: new Gauge({
      name: `${prefix}queue_jobs`,
      help: "Jobs in each queue by state (queued, active, dead_lettered), read from pg-boss when scraped.",
      labelNames: ["queue", "state"],
      registers,
    }),
    oldestJobAge: new Gauge({
      name: `${prefix}queue_oldest_job_age_seconds`,
      help: "Age of the oldest job waiting in each queue (0 when none waits), read when scraped.",
      labelNames: ["queue"],
      registers,
    }),
  };
}

/** Records one review attempt: its outcome and duration, and the tokens and cost of a new review. */
export function recordReview(
  metrics: Metrics,
  outcome: ReviewOutcomeLabel,
  durationSeconds: number,
  usage?: ReviewUsage,
): void {
  metrics.reviews.inc({ outcome });
  metrics.reviewDuration.observe({ outcome }, durationSeconds);
  if (!usage) return;
  const model = usage.model ?? "unknown";
  const kinds = {
    input: usage.inputTokens,
    output: usage.outputTokens,
    cache_read: usage.cacheReadTokens,
    cache_write: usage.cacheWriteTokens,
  };
  for (const [kind, count] of Object.entries(kinds)) {
    if (count > 0) metrics.modelTokens.inc({ model, kind }, count);
  }
  if (usage.costUsd > 0) metrics.modelCost.inc({ model }, usage.costUsd);
}
