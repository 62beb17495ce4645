import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { collectStartGarbage } from "../../src/runtime/collect-start-garbage.ts";

describe("collectStartGarbage", () => {
  it("gives back the heap that garbage held, at once", () => {
    expect(makeGarbage()).toBe(4_000_000);

    const collected = collectStartGarbage();

    expect(collected).not.toBeNull();
    expect(collected!.usedBefore - collected!.usedAfter).toBeGreaterThan(12 * 1024 * 1024);
  });

  it("leaves no gc function for other code to find", () => {
    collectStartGarbage();

    expect(runInNewContext("typeof gc")).toBe("undefined");
  });
});

/**
 * 4 million elements: a backing store of 16 MiB or more, in the large-object space, which only a
 * full collection frees. Nothing holds it once this returns (its length is all that leaves).
 */
function makeGarbage(): number {
  return new Array<number>(4_000_000).fill(1).length;
}
