import { describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/model/estimate-tokens.ts";
import { packContext } from "../../src/context/pack-context.ts";

const chunk = (path: string, lines: number, content = "x".repeat(lines * 40)) => ({
  path,
  startLine: 1,
  endLine: lines,
  content,
});

describe("packContext", () => {
  it("renders blocks best first and skips one that does not fit for smaller ones after it", () => {
    const packed = packContext(
      [chunk("a.ts", 2), chunk("big.ts", 200), chunk("b.ts", 2), chunk("a.ts", 1)],
      100,
    );
    expect(packed.files).toEqual(["a.ts", "b.ts"]);
    expect(packed.text.startsWith("### a.ts:1-2\n```\n")).toBe(true);
    expect(estimateTokens(packed.text)).toBeLessThanOrEqual(100);
  });

  it("uses a longer fence when the code contains one", () => {
    const packed = packContext([chunk("README.md", 3, "```ts\ncode\n```")], 100);
    expect(packed.text).toBe("### README.md:1-3\n````\n```ts\ncode\n```\n````");
  });

  it("gives nothing for a zero budget", () => {
    expect(packContext([chunk("a.ts", 1)], 0)).toEqual({ text: "", files: [], used: [] });
  });

  it("says why each chunk is there on its heading, which a line break in a path cannot split", () => {
    const packed = packContext(
      [{ ...chunk("src/a.ts", 2, "x"), reason: "definition of `X` used at a\n### b.ts:1" }],
      1000,
    );
    expect(packed.text.split("\n")[0]).toBe(
      "### src/a.ts:1-2 — definition of `X` used at a[U+000A]### b.ts:1",
    );
    expect(packed.text.split("\n").filter((line) => line.startsWith("### "))).toHaveLength(1);
  });
});
