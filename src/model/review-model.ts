import type { ModelReview } from "../review/review-output.ts";

/** Tokens billed for a review, summed over every HTTP call it made. */
export type ModelUsage = {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
};

export type ReviewRequest = {
  /** Stable instructions, identical across reviews: the first cached prefix. */
  system: string;
  /** Repository-level stable text (config instructions), cached after `system`; may be "". */
  stableContext: string;
  /** This call's diff and context; never cached. */
  prompt: string;
  maxOutputTokens: number;
};

export type ReviewResult = {
  /** Validated against `modelReviewSchema`. */
  review: ModelReview;
  usage: ModelUsage;
  /** HTTP requests sent, including retried failures and the repair call. */
  calls: number;
};

/**
 * The model as the pipeline sees it, so tests can swap in a fake.
 *
 * `review` resolves with a schema-valid review or rejects with `ModelRetryableError` (try the job
 * again later) or `ModelPermanentError` (retrying will not help). It has no side effects besides
 * the HTTP calls, so it is safe to call again after either error.
 */
export interface ReviewModel {
  /** The model name, e.g. "claude-sonnet-5-5", for records and logs. */
  readonly id: string;
  review(request: ReviewRequest, options?: { signal?: AbortSignal }): Promise<ReviewResult>;
}

/**
 * The service was overloaded, rate limited, failing (5xx), unreachable or too slow, and stayed so
 * through our own retries; or the caller aborted. The job should retry later, no sooner than
 * `retryAfterMs` when the API said how long to wait.
 */
export class ModelRetryableError extends Error {
  override name = "ModelRetryableError";
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * A request the API refused (400, 401, 403, 404, ...), or an answer that was still invalid after
 * the repair attempt. Retrying the same request will not help: fail the job.
 */
export class ModelPermanentError extends Error {
  override name = "ModelPermanentError";
  readonly status: number | undefined;

  constructor(message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}
