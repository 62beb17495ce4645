import { describe, expect, it } from "vitest";
import { scoreCounts, scoreRun } from "../../src/cli/score-eval-case.ts";

describe("scoreCounts", () => {
  it("computes precision and recall as Martian's benchmark does, and F1 as their harmonic mean", () => {
    expect(scoreCounts({ truePositives: 1, candidates: 4, golden: 2 })).toEqual({
      truePositives: 1,
      candidates: 4,
      golden: 2,
      precision: 0.25,
      recall: 0.5,
      f1: (2 * 0.25 * 0.5) / 0.75,
    });
  });

  it("is 0 where a denominator is 0, never NaN", () => {
    expect(scoreCounts({ truePositives: 0, candidates: 0, golden: 3 })).toMatchObject({
      precision: 0,
      recall: 0,
      f1: 0,
    });
    expect(scoreCounts({ truePositives: 0, candidates: 2, golden: 0 })).toMatchObject({
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });
});

describe("scoreRun", () => {
  it("sums the cases' counts before dividing (micro average)", () => {
    const run = scoreRun([
      { truePositives: 1, candidates: 1, golden: 4 },
      { truePositives: 0, candidates: 3, golden: 1 },
    ]);
    expect([run.truePositives, run.candidates, run.golden]).toEqual([1, 4, 5]);
    expect([run.precision, run.recall]).toEqual([0.25, 0.2]);
  });
});
