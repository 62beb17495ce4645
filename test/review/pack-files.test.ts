import { describe, it, expect } from "vitest";
import { filePriority, packFiles } from "../../src/review/pack-files.ts";

/** A file of exactly `tokens` estimated tokens (estimateTokens counts 3.5 characters a token). */
function file(path: string, tokens: number): { path: string; text: string } {
  return { path, text: "x".repeat(Math.floor(tokens * 3.5)) };
}

const paths = (files: { path: string }[]): string[] => files.map((f) => f.path);

describe("filePriority", () => {
  it("reviews source first, then tests, then documentation and configuration", () => {
    for (const source of ["src/app.ts", "lib/main.go", "Makefile", "src/testing.ts", "spec.ts"]) {
      expect(filePriority(source), source).toBe(0);
    }
    for (const test of [
      "test/app.test.ts",
      "src/__tests__/app.ts",
      "tests/unit/a.py",
      "spec/models/user_spec.rb",
      "src/app.spec.js",
      "pkg/server_test.go",
      "lib/parser_test.py",
      "test/fixtures/data.json", // a test folder wins over the extension
    ]) {
      expect(filePriority(test), test).toBe(1);
    }
    for (const other of [
      "README.md",
      "docs/guide.html",
      "doc/api.ts",
      "config.yaml",
      "app.yml",
      "Cargo.toml",
      "package.json",
      "CHANGELOG.MD",
      "yarn.lock",
    ]) {
      expect(filePriority(other), other).toBe(2);
    }
  });
});

describe("packFiles", () => {
  it("sizes the test files as intended", () => {
    expect(Math.ceil(file("a", 7).text.length / 3.5)).toBe(7);
    expect(Math.ceil(file("a", 10).text.length / 3.5)).toBe(10);
  });

  it("fills batches in priority order, within a class in the pull request's order", () => {
    const files = [
      file("README.md", 1),
      file("test/b.test.ts", 1),
      file("src/b.ts", 1),
      file("docs/x.md", 1),
      file("src/a.ts", 1),
      file("test/a.test.ts", 1),
    ];
    const { batches, overBudget } = packFiles(files, { budgetTokens: 100, maxBatches: 3 });
    expect(batches.map(paths)).toEqual([
      ["src/b.ts", "src/a.ts", "test/b.test.ts", "test/a.test.ts", "README.md", "docs/x.md"],
    ]);
    expect(overBudget).toEqual([]);
  });

  it("keeps every batch within the budget, a file of exactly the budget included", () => {
    const files = [file("a.ts", 10), file("b.ts", 6), file("c.ts", 4), file("d.ts", 10)];
    const { batches } = packFiles(files, { budgetTokens: 10, maxBatches: 5 });
    expect(batches.map(paths)).toEqual([["a.ts"], ["b.ts", "c.ts"], ["d.ts"]]);
  });

  it("puts a small file in the first batch with room, first fit", () => {
    const files = [file("a.ts", 7), file("b.ts", 6), file("c.ts", 3), file("d.ts", 4)];
    const { batches } = packFiles(files, { budgetTokens: 10, maxBatches: 5 });
    expect(batches.map(paths)).toEqual([
      ["a.ts", "c.ts"],
      ["b.ts", "d.ts"],
    ]);
  });

  it("sets aside, with the reason, files too large for one call and files past the last batch", () => {
    const huge = file("src/huge.ts", 11);
    const files = [file("a.ts", 8), huge, file("b.ts", 8), file("c.ts", 8), file("d.ts", 2)];
    const { batches, overBudget } = packFiles(files, { budgetTokens: 10, maxBatches: 2 });
    expect(batches.map(paths)).toEqual([["a.ts", "d.ts"], ["b.ts"]]);
    expect(overBudget).toEqual([
      { file: huge, reason: "too large for one model call" },
      { file: files[3], reason: "over the review budget" },
    ]);
  });

  it("never drops a file: every file is in one batch or set aside, once", () => {
    const files = Array.from({ length: 30 }, (_, i) =>
      file(i % 3 === 0 ? `test/t${i}.test.ts` : `src/f${i}.ts`, (i * 7) % 13),
    );
    const { batches, overBudget } = packFiles(files, { budgetTokens: 12, maxBatches: 4 });
    const placed = [...batches.flat(), ...overBudget.map((entry) => entry.file)];
    expect(placed).toHaveLength(files.length);
    expect(new Set(placed)).toEqual(new Set(files));
    expect(batches.length).toBeLessThanOrEqual(4);
  });

  it("makes no batch of no files, and no batch at all when maxBatches is 0", () => {
    expect(packFiles([], { budgetTokens: 10, maxBatches: 3 })).toEqual({
      batches: [],
      overBudget: [],
    });
    const only = file("a.ts", 1);
    expect(packFiles([only], { budgetTokens: 10, maxBatches: 0 })).toEqual({
      batches: [],
      overBudget: [{ file: only, reason: "over the review budget" }],
    });
  });
});
