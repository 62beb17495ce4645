import type { Config } from "../config/read-config.ts";
import type { ModelUsage } from "./structured-model.ts";

/**
 * Dollars for the tokens used, at the configured prices per million tokens (cache writes cost
 * 1.25x the input price, cache reads 0.1x, as Anthropic bills them). Pure.
 */
export function costOf(
  usage: ModelUsage,
  config: { model: Pick<Config["model"], "pricePerMillionInput" | "pricePerMillionOutput"> },
): number {
  const input = config.model.pricePerMillionInput / 1_000_000;
  const output = config.model.pricePerMillionOutput / 1_000_000;
  return (
    usage.inputTokens * input +
    usage.cacheWriteTokens * input * 1.25 +
    usage.cacheReadTokens * input * 0.1 +
    usage.outputTokens * output
  );
}
