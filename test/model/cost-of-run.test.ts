import { expect, it } from "vitest";
import { costOfRun } from "../../src/model/cost-of-run.ts";

const config = {
  model: {
    pricePerMillionInput: 3,
    pricePerMillionOutput: 15,
    prices: {
      "claude-opus-4-6": { input: 15, output: 75 },
      "claude-haiku-4-5": { input: 1, output: 5 },
    },
  },
};
const tokens = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

it("prices each answering model's tokens at its own price", () => {
  // 1M in + 1M out on opus = 15 + 75; 2M in + 1M out on haiku (the fallback) = 2 + 5.
  const run = {
    usage: tokens(3_000_000, 2_000_000),
    usageByModel: {
      "claude-opus-4-6": tokens(1_000_000, 1_000_000),
      "claude-haiku-4-5": tokens(2_000_000, 1_000_000),
    },
  };
  expect(costOfRun(run, config, "claude-opus-4-6")).toBeCloseTo(97, 10);
});

it("prices a run that does not say who answered at the model asked for", () => {
  expect(costOfRun({ usage: tokens(1_000_000, 1_000_000) }, config, "claude-opus-4-6")).toBe(90);
  expect(
    costOfRun({ usage: tokens(1_000_000, 0), usageByModel: {} }, config, "claude-haiku-4-5"),
  ).toBe(1);
});
