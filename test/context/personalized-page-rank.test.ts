import { describe, expect, it } from "vitest";
import { personalizedPageRank } from "../../src/context/personalized-page-rank.ts";

const edge = (from: string, to: string, weight = 1) => ({ from, to, weight });

describe("personalizedPageRank", () => {
  it("matches the closed form on a small graph seeded at one node", () => {
    // A uses B and C, B uses C, C uses A, D uses C but nothing reaches D. Seeded at A, with
    // d = 0.85: rB = d·rA/2, rC = d·(rA/2 + rB), rA = (1 − d) + d·rC. Solving by hand:
    // rA = 0.15 / (1 − 0.85·0.78625) = 0.4523, rC = 0.78625·rA = 0.3556, rB = 0.425·rA = 0.1922.
    const rank = personalizedPageRank(
      [edge("A", "B"), edge("A", "C"), edge("B", "C"), edge("C", "A"), edge("D", "C")],
      new Map([["A", 1]]),
    );
    expect(rank.get("A")).toBeCloseTo(0.4523, 3);
    expect(rank.get("C")).toBeCloseTo(0.3556, 3);
    expect(rank.get("B")).toBeCloseTo(0.1922, 3);
    expect(rank.get("D")).toBe(0);
    const order = [...rank].sort((a, b) => b[1] - a[1]).map(([node]) => node);
    expect(order).toEqual(["A", "C", "B", "D"]);
  });

  it("follows heavier edges more", () => {
    const rank = personalizedPageRank(
      [edge("seed", "often", 9), edge("seed", "once", 1)],
      new Map([["seed", 1]]),
    );
    // Both targets are dead ends that send their walker back to the seed.
    expect(rank.get("often")! / rank.get("once")!).toBeCloseTo(9, 6);
  });

  it("ranks what the seeds reach above a hub only the rest of the graph points at", () => {
    const rank = personalizedPageRank(
      [
        edge("changed", "used"),
        edge("x", "hub"),
        edge("y", "hub"),
        edge("z", "hub"),
        edge("used", "deeper"),
      ],
      new Map([["changed", 1]]),
    );
    expect(rank.get("used")!).toBeGreaterThan(rank.get("deeper")!);
    expect(rank.get("deeper")!).toBeGreaterThan(rank.get("hub")!);
    const total = [...rank.values()].reduce((sum, value) => sum + value, 0);
    expect(total).toBeCloseTo(1, 9);
  });

  it("splits the restart between seeds by weight and refuses no seed", () => {
    const rank = personalizedPageRank(
      [],
      new Map([
        ["a", 3],
        ["b", 1],
      ]),
    );
    expect(rank.get("a")).toBeCloseTo(0.75, 9);
    expect(() => personalizedPageRank([edge("a", "b")], new Map())).toThrow(/seeds/);
  });
});
