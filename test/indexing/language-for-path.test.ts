import { describe, expect, it } from "vitest";
import { languageForPath } from "../../src/indexing/language-for-path.ts";

describe("languageForPath", () => {
  it.each([
    ["src/app.ts", "typescript"],
    ["src/app.mts", "typescript"],
    ["src/app.cts", "typescript"],
    ["types/index.d.ts", "typescript"],
    ["src/App.tsx", "tsx"],
    ["lib/index.js", "javascript"],
    ["lib/index.mjs", "javascript"],
    ["lib/index.cjs", "javascript"],
    ["src/App.jsx", "javascript"],
    ["tools/build.py", "python"],
    ["cmd/main.go", "go"],
    ["src/Main.java", "java"],
    ["src/lib.rs", "rust"],
    ["lib/cart.rb", "ruby"],
    ["src/zlib.c", "c"],
    ["include/zlib.h", "c"],
    ["src/a.cc", "cpp"],
    ["src/a.cpp", "cpp"],
    ["src/a.cxx", "cpp"],
    ["include/a.hpp", "cpp"],
    ["include/a.hh", "cpp"],
    ["include/a.hxx", "cpp"],
    ["src/Program.cs", "c_sharp"],
    ["public/index.php", "php"],
    ["SRC/SHOUT.PY", "python"],
    ["web/.eslintrc.js", "javascript"],
  ])("%s is %s", (path, language) => {
    expect(languageForPath(path)).toBe(language);
  });

  it.each([
    "README.md",
    ".github/workflows/ci.yaml",
    "Makefile",
    "src/.ts",
    "archive.ts.gz",
    "notes.constructor",
    "dir.py/README",
  ])("%s has no language", (path) => {
    expect(languageForPath(path)).toBeNull();
  });
});
