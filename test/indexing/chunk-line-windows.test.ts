import { describe, expect, it } from "vitest";
import { chunkLineWindows } from "../../src/indexing/chunk-line-windows.ts";

const numbered = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => `line ${index + 1}`);

describe("chunkLineWindows", () => {
  it("steps by windowLines - windowOverlap and stops at the last line", () => {
    expect(chunkLineWindows(numbered(130), 60, 10)).toEqual([
      [0, 59],
      [50, 109],
      [100, 129],
    ]);
    expect(chunkLineWindows(numbered(60), 60, 10)).toEqual([[0, 59]]);
    expect(chunkLineWindows(numbered(61), 60, 10)).toEqual([
      [0, 59],
      [50, 60],
    ]);
    expect(chunkLineWindows(numbered(5), 2, 0)).toEqual([
      [0, 1],
      [2, 3],
      [4, 4],
    ]);
  });

  it("starts at the first non-blank line, trims windows and drops blank ones", () => {
    const lines = ["", "", "a", "b", "", "", "", "", "c", ""];
    expect(chunkLineWindows(lines, 3, 1)).toEqual([
      [2, 3],
      [8, 8],
    ]);
  });

  it("returns nothing for blank input", () => {
    expect(chunkLineWindows(["", "  ", "\t"], 60, 10)).toEqual([]);
  });
});
