import { describe, expect, it } from "vitest";
import { fuseRankings } from "../../src/context/fuse-rankings.ts";

describe("fuseRankings", () => {
  it("ranks an item found by several retrievers above one found once at the top", () => {
    const fused = fuseRankings([
      { ids: ["a", "b", "c"] },
      { ids: ["b", "d"] },
      { ids: ["c", "b"] },
    ]);
    expect(fused.map((f) => f.id)).toEqual(["b", "c", "a", "d"]);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61 + 1 / 62);
  });

  it("weights rankings and ignores duplicates within one ranking", () => {
    const fused = fuseRankings([{ ids: ["a", "a"] }, { ids: ["b"], weight: 2 }]);
    expect(fused.map((f) => f.id)).toEqual(["b", "a"]);
    expect(fused[1]!.score).toBeCloseTo(1 / 61);
  });

  it("returns nothing for no rankings", () => {
    expect(fuseRankings([])).toEqual([]);
    expect(fuseRankings([{ ids: [] }])).toEqual([]);
  });
});
