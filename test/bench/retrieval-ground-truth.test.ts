import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { countWords, diffIdentifiers, rankByHits } from "../../bench/retrieval/grep-baseline.ts";
import { listCaseSources } from "../../bench/retrieval/list-case-sources.ts";
import { readPythonDefinitions } from "../../bench/retrieval/python-definitions.ts";
import { readTypeScriptDefinitions } from "../../bench/retrieval/typescript-definitions.ts";

const roots: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "revue-ground-truth-"));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const keysOn = (uses: Map<number, { key: string }[]> | undefined, line: number) =>
  (uses?.get(line) ?? []).map((use) => use.key).sort();

describe("TypeScript ground truth", () => {
  it("follows namespace imports and barrels to the declaring file, const exports included", () => {
    const root = tree({
      "src/core.ts":
        "export const cache = new Map<string, number>();\nexport type Shape = { a: number };\n",
      "src/index.ts": 'export * from "./core";\n',
      "src/use.ts": [
        'import * as core from "./core";',
        'import { cache } from "./index";',
        "export function read(s: core.Shape) {",
        "  return cache.get(String(s.a));",
        "}",
      ].join("\n"),
    });
    const files = ["src/core.ts", "src/index.ts", "src/use.ts"];
    const found = readTypeScriptDefinitions(root, files, "typescript", ["src/use.ts"]);
    expect(found.declared.get("src/core.ts#cache")).toEqual([1]);
    expect(keysOn(found.uses.get("src/use.ts"), 3)).toEqual(["src/core.ts#Shape"]);
    expect(keysOn(found.uses.get("src/use.ts"), 4)).toEqual(["src/core.ts#cache"]);
  });

  it("follows CommonJS exports and leaves out the require binding itself", () => {
    const root = tree({
      "lib/utils.js": "exports.merge = function merge(a, b) { return Object.assign(a, b); };\n",
      "lib/app.js":
        "var utils = require('./utils');\nmodule.exports = function app(x) {\n  return utils.merge(x, options);\n};\nvar options = require('./utils').merge({}, {});\n",
    });
    const found = readTypeScriptDefinitions(root, ["lib/app.js", "lib/utils.js"], "javascript", [
      "lib/app.js",
    ]);
    expect(keysOn(found.uses.get("lib/app.js"), 3)).toEqual(["lib/utils.js#merge"]);
    expect(found.declared.get("lib/utils.js#merge")).toEqual([1]);
  });
});

describe("Python ground truth", () => {
  it("resolves relative and aliased module imports and self members, not locals", () => {
    const root = tree({
      "pkg/__init__.py": "",
      "pkg/common.py": "def helper(x):\n    return x\n\n\nLIMIT = 3\n",
      "pkg/sub/__init__.py": "",
      "pkg/sub/tool.py": [
        "from ..common import helper",
        "import pkg.common as c",
        "",
        "class Tool:",
        "    def run(self, value):",
        "        helper = None if value else 1",
        "        return self.check(c.LIMIT)",
        "",
        "    def check(self, n):",
        "        return n",
        "",
        "def top(v):",
        "    return helper(v)",
      ].join("\n"),
    });
    const files = ["pkg/__init__.py", "pkg/common.py", "pkg/sub/__init__.py", "pkg/sub/tool.py"];
    const found = readPythonDefinitions(root, files, ["."], ["pkg/sub/tool.py"]);
    const uses = found.uses.get("pkg/sub/tool.py");
    expect(keysOn(uses, 6)).toEqual([]);
    expect(keysOn(uses, 7)).toEqual(["pkg/common.py#LIMIT", "pkg/sub/tool.py#check"]);
    expect(keysOn(uses, 13)).toEqual(["pkg/common.py#helper"]);
    expect(found.declared.get("pkg/sub/tool.py#check")).toEqual([9]);
  });
});

describe("grep baseline", () => {
  it("ranks units by hits of the diff's identifiers, keywords and one-letter names left out", () => {
    const identifiers = diffIdentifiers(["  const total = sumAll(items) + x;", "return total;"]);
    expect(identifiers).toEqual(["total", "sumAll", "items"]);
    const units = [
      { path: "a.ts", words: countWords("items items") },
      { path: "b.ts", words: countWords("const x = 1; return x") },
      { path: "c.ts", words: countWords("function sumAll(items) { let total = 0; return total }") },
    ];
    expect(rankByHits(units, identifiers).map((unit) => unit.path)).toEqual(["c.ts", "a.ts"]);
  });
});

describe("case sources", () => {
  it("lists the language's files under the sources, without tests or excluded folders", () => {
    const root = tree({
      "src/a.ts": "",
      "src/a.test.ts": "",
      "src/types.d.ts": "",
      "src/tests/b.ts": "",
      "src/locales/en.ts": "",
      "src/c.js": "",
      "lib/d.ts": "",
    });
    expect(listCaseSources(root, "typescript", ["src"], ["locales"])).toEqual(["src/a.ts"]);
  });
});
