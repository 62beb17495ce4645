import type { Config } from "../config/read-config.ts";
import type { ModelUsage } from "./structured-model.ts";

/**
 * Dollars for the tokens `model` used, at its configured price per million tokens (the review
 * model's when `model` is not given or has no price), cache writes at 1.25x the input price and
 * cache reads at 0.1x, as Anthropic bills them. Pure.
 */
export function costOf(
  usage: ModelUsage,
  config: {
    model: Pick<Config["model"], "pricePerMillionInput" | "pricePerMillionOutput"> &
      Partial<Pick<Config["model"], "prices">>;
  },
  model?: string,
): number {
  const price = (model === undefined ? undefined : config.model.prices?.[model]) ?? {
    input: config.model.pricePerMillionInput,
    output: config.model.pricePerMillionOutput,
  };
  const input = price.input / 1_000_000;
  const output = price.output / 1_000_000;
  return (
    usage.inputTokens * input +
    usage.cacheWriteTokens * input * 1.25 +
    usage.cacheReadTokens * input * 0.1 +
    usage.outputTokens * output
  );
}
