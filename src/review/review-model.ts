import type { ModelUsage, StructuredModel, SystemBlock } from "../model/structured-model.ts";
import { modelReviewJsonSchema, modelReviewSchema, type ModelReview } from "./review-output.ts";

export type ReviewRequest = {
  /** Stable instructions, identical across reviews: the first cached prefix. */
  system: string;
  /** The maintainers' rules (revue.yml, guideline files), cached after `system`; may be "". */
  stableContext: string;
  /** This call's diff and context; never cached. */
  prompt: string;
  maxOutputTokens: number;
};

export type ReviewResult = {
  /** Validated against `modelReviewSchema`. */
  review: ModelReview;
  usage: ModelUsage;
  /** The model that answered (the fallback when it did): its price applies. */
  answeredBy?: string;
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
 * The review on a structured model: one call answering `modelReviewSchema`, with one repair call
 * for a truncated or invalid answer. One cache breakpoint on the last stable block caches the
 * system prompt and the repository's stable context as one prefix shared by every review call.
 */
export function createReviewModel(model: StructuredModel): ReviewModel {
  return {
    id: model.id,
    async review(request, options = {}) {
      const system: SystemBlock[] =
        request.stableContext === ""
          ? [{ text: request.system, cacheBreakpoint: true }]
          : [{ text: request.system }, { text: request.stableContext, cacheBreakpoint: true }];
      const { value, usage, calls, answeredBy } = await model.generate(
        {
          task: "review",
          system,
          messages: [{ role: "user", content: request.prompt }],
          output: { json: modelReviewJsonSchema, parse: modelReviewSchema },
          maxOutputTokens: request.maxOutputTokens,
          repair: "once",
        },
        options,
      );
      return { review: value, usage, calls, answeredBy: answeredBy ?? model.id };
    },
  };
}
