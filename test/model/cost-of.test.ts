import { describe, expect, it } from "vitest";
import { costOf } from "../../src/model/cost-of.ts";

describe("costOf", () => {
  const prices = { model: { pricePerMillionInput: 3, pricePerMillionOutput: 15 } };

  it("bills input and output at their prices, cache writes at 1.25x and reads at 0.1x input", () => {
    const usage = {
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 2_000_000,
      cacheWriteTokens: 400_000,
    };

    // 3 + 1.5 + 2 x 0.3 + 0.4 x 3.75
    expect(costOf(usage, prices)).toBeCloseTo(3 + 1.5 + 0.6 + 1.5, 10);
  });

  it("is zero for no tokens", () => {
    const none = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

    expect(costOf(none, prices)).toBe(0);
  });
});
