import { describe, expect, it } from "vitest";
import { parsePatch } from "../../src/diff/parse-patch.ts";
import { readDiffNames } from "../../src/context/read-diff-names.ts";

describe("readDiffNames", () => {
  it("reads used and declared names from changed lines only, and the old ranges shown", () => {
    const names = readDiffNames([
      {
        path: "src/new.ts",
        previousPath: "src/old.ts",
        status: "renamed",
        hunks: parsePatch(
          [
            "@@ -10,3 +10,4 @@ class Cart",
            " const unchanged = contextOnly();",
            "-  const total = sumPrices(items);",
            "+  const total = sumPrices(items) + shippingFee(items);",
            "+  async applyCoupon(code: string) {",
            " }",
          ].join("\n"),
        ),
      },
      {
        path: "gone.py",
        status: "removed",
        hunks: parsePatch("@@ -1,1 +0,0 @@\n-def legacy_total(x):"),
      },
    ]);
    expect(names.used.slice(0, 2)).toEqual(["items", "sumPrices"]);
    expect(names.used).toContain("shippingFee");
    expect(names.used).not.toContain("contextOnly");
    expect(names.used).not.toContain("const");
    expect(names.declared).toEqual(
      expect.arrayContaining(["total", "applyCoupon", "legacy_total"]),
    );
    expect(names.shownRanges.get("src/old.ts")).toEqual([[10, 12]]);
    expect([...names.removedPaths]).toEqual(["gone.py"]);
    expect(names.changedText).toContain("shippingFee(items)");
  });
});
