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

  it("records each use with its file and line, qualified uses, and the imports added lines write", () => {
    const names = readDiffNames([
      {
        path: "src/app.ts",
        status: "modified",
        hunks: parsePatch(
          [
            "@@ -1,1 +1,4 @@",
            ' import { a } from "./a";',
            '+import Client, { parse as parseUrl, type Options } from "./url";',
            '+import * as core from "@core/types";',
            "+const $store = core.createStore(parseUrl(x) as Options);",
          ].join("\n"),
        ),
      },
      {
        path: "app/views.py",
        status: "added",
        hunks: parsePatch("@@ -0,0 +1,1 @@\n+from .models import User, Group as G"),
      },
    ]);
    expect(names.uses).toContainEqual({
      name: "parseUrl",
      qualifier: null,
      path: "src/app.ts",
      // Not 2: an import line is not a use.
      line: 4,
    });
    expect(names.uses).toContainEqual({
      name: "$store",
      qualifier: null,
      path: "src/app.ts",
      line: 4,
    });
    expect(names.uses).toContainEqual({
      name: "createStore",
      qualifier: "core",
      path: "src/app.ts",
      line: 4,
    });
    // A name used only on its import line is still a use, at that line.
    expect(names.uses).toContainEqual({
      name: "User",
      qualifier: null,
      path: "app/views.py",
      line: 1,
    });
    expect([...names.changedPaths]).toEqual(["src/app.ts", "app/views.py"]);
    const imports = (path: string) =>
      names.addedImports
        .get(path)
        ?.map((i) => [i.kind, i.importedName, i.localName, i.specifier, i.line]);
    expect(imports("src/app.ts")).toEqual([
      ["default", "default", "Client", "./url", 2],
      ["named", "parse", "parseUrl", "./url", 2],
      ["named", "Options", "Options", "./url", 2],
      ["namespace", "*", "core", "@core/types", 3],
    ]);
    expect(imports("app/views.py")).toEqual([
      ["named", "User", "User", ".models", 1],
      ["named", "Group", "G", ".models", 1],
    ]);
  });
});
