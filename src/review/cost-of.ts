import type { Config } from "../config/read-config.ts";
import type { ModelUsage } from "../model/review-model.ts";

/** Dollars for the tokens used, at the configured prices (cache writes 1.25x, reads 0.1x input). */
export function costOf(usage: ModelUsage, config: Config): number {
  const input = config.model.pricePerMillionInput / 1_000_000;
  const output = config.model.pricePerMillionOutput / 1_000_000;
  return (
    usage.inputTokens * input +
    usage.cacheWriteTokens * input * 1.25 +
    usage.cacheReadTokens * input * 0.1 +
    usage.outputTokens * output
  );
}
