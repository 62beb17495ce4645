import type { Logger } from "pino";
import { ModelRetryableError } from "./model-errors.ts";
import type { StructuredModel } from "./structured-model.ts";

/**
 * A model that asks `primary` first and `fallback` when `primary` is overloaded (529, 503: build
 * `primary` with `giveUpWhenOverloaded` so it hands over at once) or unavailable (a retryable
 * failure that outlasted its retries: 429, 5xx, timeouts, connection errors). A refused request
 * or an invalid answer is not retried elsewhere: the fallback would be refused the same way.
 *
 * `generate` resolves with the first answer; throws the fallback's error when both fail, and the
 * primary's ModelPermanentError, or its ModelRetryableError when the caller aborted, as they are.
 * The model's `id` stays the primary's, so records name the model asked for; an answer of the
 * fallback says so in `answeredBy`, so its tokens are priced at the fallback's price.
 */
export function createFallbackModel(
  primary: StructuredModel,
  fallback: StructuredModel,
  log: Logger | undefined,
): StructuredModel {
  return {
    id: primary.id,
    async generate(request, options = {}) {
      try {
        return await primary.generate(request, options);
      } catch (error) {
        if (!(error instanceof ModelRetryableError) || options.signal?.aborted) throw error;
        log?.warn(
          { model: primary.id, fallback: fallback.id, task: request.task, status: error.status },
          "model unavailable; asking the fallback model",
        );
        return { ...(await fallback.generate(request, options)), answeredBy: fallback.id };
      }
    },
  };
}
