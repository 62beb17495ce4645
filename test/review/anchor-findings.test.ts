import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { anchorFindings } from "../../src/review/anchor-findings.ts";
import type { Anchorable } from "../../src/review/anchor-findings.ts";
import type { FileDiff } from "../../src/diff/format-diff.ts";
import { parsePatch } from "../../src/diff/parse-patch.ts";

/**
 * src/load.ts, numbered:
 *   hunk 0: old 1-6, new 1-7        hunk 1: old 20-23, new 21-25
 *   L3  - const data = fs.readFileSync(path);     L21 - fs.writeFileSync(path, value);
 *   R3  + const data = await readFile(path);      R22 + const text = JSON.stringify(value);
 *   R4  + const parsed = JSON.parse(data);        R23 + await writeFile(path, text);
 *   R5/L4 if (!data) {   R6/L5 return null;       R24/L22 return null;
 */
const loadPatch = [
  "@@ -1,6 +1,7 @@ function load()",
  ' import fs from "node:fs";',
  "",
  "-const data = fs.readFileSync(path);",
  "+const data = await readFile(path);",
  "+const parsed = JSON.parse(data);",
  " if (!data) {",
  "   return null;",
  " }",
  "@@ -20,4 +21,5 @@ function save()",
  " function save(value) {",
  "-  fs.writeFileSync(path, value);",
  "+  const text = JSON.stringify(value);",
  "+  await writeFile(path, text);",
  "   return null;",
  " }",
].join("\n");

const load: FileDiff = { path: "src/load.ts", status: "modified", hunks: parsePatch(loadPatch) };

/** A finding with the fields a real one has beyond Anchorable, to check they are carried along. */
type Finding = Anchorable & { title: string };

function finding(overrides: Partial<Finding>): Finding {
  return {
    path: "src/load.ts",
    side: "RIGHT",
    line: 4,
    startLine: null,
    quotedCode: "const parsed = JSON.parse(data);",
    replacement: null,
    title: "a finding",
    ...overrides,
  };
}

/** Anchors one finding and returns where it went: the anchored fields, or the reason. */
function anchorOne(
  overrides: Partial<Finding>,
  files: FileDiff[] = [load],
): Record<string, unknown> {
  const { anchored, unanchored } = anchorFindings([finding(overrides)], files);
  expect(anchored.length + unanchored.length).toBe(1);
  if (unanchored.length === 1) return { reason: unanchored[0]!.reason };
  const { side, line, startLine, moved, suggestionAllowed } = anchored[0]!;
  return { side, line, startLine, moved, suggestionAllowed };
}

describe("anchorFindings", () => {
  describe("keeps a claimed place that holds the quote", () => {
    it("on an added line", () => {
      expect(
        anchorOne({ line: 4, replacement: "const parsed: unknown = JSON.parse(data);" }),
      ).toEqual({ side: "RIGHT", line: 4, startLine: null, moved: false, suggestionAllowed: true });
    });

    it("on a context line, on either side", () => {
      expect(anchorOne({ side: "RIGHT", line: 5, quotedCode: "if (!data) {" })).toMatchObject({
        side: "RIGHT",
        line: 5,
        moved: false,
      });
      expect(anchorOne({ side: "LEFT", line: 4, quotedCode: "if (!data) {" })).toMatchObject({
        side: "LEFT",
        line: 4,
        moved: false,
      });
    });

    it("on a deleted line", () => {
      expect(
        anchorOne({ side: "LEFT", line: 3, quotedCode: "const data = fs.readFileSync(path);" }),
      ).toEqual({ side: "LEFT", line: 3, startLine: null, moved: false, suggestionAllowed: false });
    });

    it("as a multi-line range that contains the quote somewhere inside", () => {
      expect(anchorOne({ startLine: 3, line: 6, replacement: "x" })).toEqual({
        side: "RIGHT",
        line: 6,
        startLine: 3,
        moved: false,
        suggestionAllowed: true,
      });
    });

    it("when the quote is part of the claimed line, cut at token boundaries", () => {
      expect(anchorOne({ line: 4, quotedCode: "JSON.parse(data)" })).toMatchObject({
        line: 4,
        moved: false,
      });
    });
  });

  describe("moves a finding to where its quote is", () => {
    it("when the line is off by a few", () => {
      expect(anchorOne({ line: 7, replacement: "x" })).toEqual({
        side: "RIGHT",
        line: 4,
        startLine: null,
        moved: true,
        suggestionAllowed: true,
      });
      expect(anchorOne({ line: 1 })).toMatchObject({ line: 4, moved: true });
    });

    it("when the claimed line is not in the diff at all", () => {
      expect(anchorOne({ line: 15 })).toMatchObject({ side: "RIGHT", line: 4, moved: true });
      expect(anchorOne({ line: 0 })).toMatchObject({ side: "RIGHT", line: 4, moved: true });
    });

    it("to the LEFT side when the quote is a deleted line and RIGHT was claimed", () => {
      expect(
        anchorOne({
          side: "RIGHT",
          line: 3,
          quotedCode: "const data = fs.readFileSync(path);",
          replacement: "const data = await readFile(path);",
        }),
      ).toEqual({ side: "LEFT", line: 3, startLine: null, moved: true, suggestionAllowed: false });
    });

    it("to the RIGHT side when the quote is an added line and LEFT was claimed", () => {
      expect(anchorOne({ side: "LEFT", line: 3 })).toMatchObject({
        side: "RIGHT",
        line: 4,
        moved: true,
      });
    });

    it("spanning a multi-line quote with startLine and line", () => {
      expect(
        anchorOne({
          line: 40,
          quotedCode: "const data = await readFile(path);\nconst parsed = JSON.parse(data);",
          replacement: "x",
        }),
      ).toEqual({ side: "RIGHT", line: 4, startLine: 3, moved: true, suggestionAllowed: true });
    });

    it("widening a single claimed line that is only part of a multi-line quote", () => {
      expect(anchorOne({ line: 6, quotedCode: "if (!data) {\n  return null;\n}" })).toMatchObject({
        side: "RIGHT",
        startLine: 5,
        line: 7,
        moved: true,
      });
    });

    it("to a single line when a claimed range does not hold a one-line quote", () => {
      expect(anchorOne({ startLine: 21, line: 23, quotedCode: "if (!data) {" })).toMatchObject({
        side: "RIGHT",
        startLine: null,
        line: 5,
        moved: true,
      });
    });

    it("to the nearest of several matches on the claimed side", () => {
      // "return null;" is R6 (hunk 0) and R24 (hunk 1).
      expect(anchorOne({ line: 20, quotedCode: "return null;" })).toMatchObject({ line: 24 });
      expect(anchorOne({ line: 9, quotedCode: "return null;" })).toMatchObject({ line: 6 });
      expect(anchorOne({ line: 99, quotedCode: "return null;" })).toMatchObject({ line: 24 });
      // 15 is 9 after R6 and 9 before R24: the earlier match wins a tie.
      expect(anchorOne({ line: 15, quotedCode: "return null;" })).toMatchObject({ line: 6 });
      // On LEFT, the same line is L5 and L22.
      expect(anchorOne({ side: "LEFT", line: 1, quotedCode: "return null;" })).toMatchObject({
        side: "LEFT",
        line: 5,
      });
    });

    it("measuring the distance to the other side's matches in that side's numbering", () => {
      // "log(x);" is deleted at L11, L21 and L61. Hunk 1 adds 59 lines after L21, so R90 is L31
      // and R115 is L56; inside hunk 1, R75 is an added line right after L21.
      const filler = Array.from({ length: 59 }, (_, i) => `+filler ${i}`);
      const patch = [
        "@@ -10,3 +10,3 @@",
        " p",
        "-log(x);",
        "+debug(x);",
        " q",
        "@@ -20,3 +20,62 @@",
        " a",
        "-log(x);",
        "+debug(x);",
        ...filler,
        " b",
        "@@ -60,3 +119,3 @@",
        " c",
        "-log(x);",
        "+debug(x);",
        " d",
      ].join("\n");
      const file: FileDiff = { path: "src/load.ts", status: "modified", hunks: parsePatch(patch) };
      const lineFor = (claimed: number): unknown =>
        anchorOne({ line: claimed, quotedCode: "log(x);" }, [file])["line"];
      expect(anchorOne({ line: 90, quotedCode: "log(x);" }, [file])).toMatchObject({
        side: "LEFT",
        line: 21,
        moved: true,
      });
      expect(lineFor(90)).toBe(21); // numerically, 90 is nearer 61
      expect(lineFor(115)).toBe(61);
      expect(lineFor(75)).toBe(21);
      expect(lineFor(12)).toBe(11);
      expect(lineFor(200)).toBe(61);
    });

    it("measuring a RIGHT match's distance in new-file numbering when LEFT is claimed", () => {
      // The mirror of the test above: "log(x);" is added at R11, R21 and R61. Hunk 1 deletes 59
      // lines after L21, so L90 is R31 and L115 is R56; inside hunk 1, L75 is a deleted line
      // right after R21.
      const filler = Array.from({ length: 59 }, (_, i) => `-filler ${i}`);
      const patch = [
        "@@ -10,3 +10,3 @@",
        " p",
        "-debug(x);",
        "+log(x);",
        " q",
        "@@ -20,62 +20,3 @@",
        " a",
        "-debug(x);",
        "+log(x);",
        ...filler,
        " b",
        "@@ -119,3 +60,3 @@",
        " c",
        "-debug(x);",
        "+log(x);",
        " d",
      ].join("\n");
      const file: FileDiff = { path: "src/load.ts", status: "modified", hunks: parsePatch(patch) };
      const lineFor = (claimed: number): unknown =>
        anchorOne({ side: "LEFT", line: claimed, quotedCode: "log(x);" }, [file])["line"];
      expect(anchorOne({ side: "LEFT", line: 90, quotedCode: "log(x);" }, [file])).toMatchObject({
        side: "RIGHT",
        line: 21,
        moved: true,
      });
      expect(lineFor(90)).toBe(21); // numerically, 90 is nearer 61
      expect(lineFor(115)).toBe(61);
      expect(lineFor(75)).toBe(21);
      expect(lineFor(12)).toBe(11);
      expect(lineFor(200)).toBe(61);
    });

    it("measuring a match on the claimed side in that side's own numbering", () => {
      // "log(x);" is added at R2 and R81; hunk 0 adds 60 lines, so R70 is L10, nearer R2 in the
      // old file's numbering, but 11 lines from R81 in its own.
      const filler = Array.from({ length: 59 }, (_, i) => `+filler ${i}`);
      const patch = [
        "@@ -1,2 +1,62 @@",
        " a",
        "+log(x);",
        ...filler,
        " b",
        "@@ -20,2 +80,3 @@",
        " c",
        "+log(x);",
        " d",
      ].join("\n");
      const file: FileDiff = { path: "src/load.ts", status: "modified", hunks: parsePatch(patch) };
      expect(anchorOne({ line: 70, quotedCode: "log(x);" }, [file])).toMatchObject({
        side: "RIGHT",
        line: 81,
        moved: true,
      });
    });

    it("translating lines around hunks that add or delete only", () => {
      // Hunk 1 only adds R6-R8 after L5; hunk 2 only deletes L7 (after R9).
      const patch = [
        "@@ -2 +2 @@",
        "-log(x);",
        "+debug(x);",
        "@@ -5,0 +6,3 @@",
        "+z",
        "+z",
        "+debug(x);",
        "@@ -7 +9,0 @@",
        "-log(x);",
      ].join("\n");
      const file: FileDiff = { path: "src/load.ts", status: "modified", hunks: parsePatch(patch) };
      const rightFor = (claimed: number): unknown =>
        anchorOne({ side: "LEFT", line: claimed, quotedCode: "debug(x);" }, [file])["line"];
      const leftFor = (claimed: number): unknown =>
        anchorOne({ side: "RIGHT", line: claimed, quotedCode: "log(x);" }, [file])["line"];
      // L5 is R5, before the added lines: 3 from R2 and from R8, and the earlier wins.
      expect(rightFor(5)).toBe(2);
      // L6 is R9, after them.
      expect(rightFor(6)).toBe(8);
      // An added line maps to the old line just before the insertion: R6 to L5, 2 from L7.
      expect(leftFor(6)).toBe(7);
      // R4 is L4, 2 from L2.
      expect(leftFor(4)).toBe(2);
      // R11 is L9, after the deleted L7.
      expect(leftFor(11)).toBe(7);
    });

    it("to the earlier of two overlapping matches that both contain the claimed line", () => {
      const file: FileDiff = {
        path: "src/load.ts",
        status: "modified",
        hunks: parsePatch("@@ -1 +1,4 @@\n a\n+x();\n+x();\n+x();"),
      };
      expect(anchorOne({ line: 3, quotedCode: "x();\nx();" }, [file])).toMatchObject({
        startLine: 2,
        line: 3,
        moved: true,
      });
    });

    it("preferring a whole-line match to a nearer partial one", () => {
      // R2 "return value; // fallback" holds both quotes in part; R31 "return value;" the second whole.
      const patch =
        "@@ -1,3 +1,3 @@\n a\n-b\n+return value; // fallback\n c\n@@ -30 +30,2 @@\n x\n+return value;";
      const file: FileDiff = { path: "src/load.ts", status: "modified", hunks: parsePatch(patch) };
      expect(anchorOne({ line: 1, quotedCode: "return value" }, [file])).toMatchObject({
        line: 2,
        moved: true,
      });
      expect(anchorOne({ line: 1, quotedCode: "return value;" }, [file])).toMatchObject({
        line: 31,
        moved: true,
      });
    });
  });

  describe("reads the quote with whitespace normalised", () => {
    it("ignoring CRLF, tabs, indentation and runs of spaces", () => {
      expect(
        anchorOne({ line: 30, quotedCode: "\tif (!data)   {\r\n\t\treturn null;\r\n" }),
      ).toMatchObject({ side: "RIGHT", startLine: 5, line: 6, moved: true });
      expect(anchorOne({ line: 30, quotedCode: "if (!data) {\rreturn null;" })).toMatchObject({
        startLine: 5,
        line: 6,
      });
    });

    it("ignoring blank lines around the quote and a Markdown fence", () => {
      expect(
        anchorOne({ line: 30, quotedCode: "\n```ts\nconst parsed = JSON.parse(data);\n```\n\n" }),
      ).toMatchObject({ line: 4, moved: true });
    });

    it("keeping a blank line inside a multi-line quote", () => {
      expect(
        anchorOne({
          line: 30,
          quotedCode: 'import fs from "node:fs";\n\nconst data = await readFile(path);',
        }),
      ).toMatchObject({ side: "RIGHT", startLine: 1, line: 3 });
    });

    it("ignoring R/L labels copied from the prompt, but only when the quote is found nowhere as written", () => {
      expect(
        anchorOne({
          line: 30,
          quotedCode:
            "R3  + const data = await readFile(path);\nR4  + const parsed = JSON.parse(data);",
        }),
      ).toMatchObject({ side: "RIGHT", startLine: 3, line: 4, moved: true });
      expect(
        anchorOne({ line: 30, quotedCode: "L3  - const data = fs.readFileSync(path);" }),
      ).toMatchObject({
        side: "LEFT",
        line: 3,
      });
      expect(
        anchorOne({ line: 30, quotedCode: "R5    if (!data) {\nR6        return null;" }),
      ).toMatchObject({
        startLine: 5,
        line: 6,
      });
      const code: FileDiff = {
        path: "src/load.ts",
        status: "modified",
        hunks: parsePatch("@@ -1 +1,2 @@\n x\n+L1 = 0"),
      };
      expect(anchorOne({ line: 9, quotedCode: "L1 = 0" }, [code])).toMatchObject({
        side: "RIGHT",
        line: 2,
      });
      // "L1 - total" is code here, not a label: found as written before "total" is tried.
      const subtraction: FileDiff = {
        path: "src/load.ts",
        status: "modified",
        hunks: parsePatch("@@ -1,2 +1,4 @@\n x\n+total\n y\n+L1 - total"),
      };
      expect(anchorOne({ line: 2, quotedCode: "L1 - total" }, [subtraction])).toMatchObject({
        line: 4,
        moved: true,
      });
    });

    it("comparing unicode in NFC", () => {
      const file: FileDiff = {
        path: "src/load.ts",
        status: "modified",
        hunks: parsePatch("@@ -1 +1 @@\n-name = 'nai\u0308ve'\n+label = 'naïve' # 👍🏽"),
      };
      // The deleted line is decomposed (i + U+0308), the quote composed (ï), and vice versa.
      expect(anchorOne({ side: "LEFT", line: 9, quotedCode: "name = 'naïve'" }, [file])).toEqual({
        side: "LEFT",
        line: 1,
        startLine: null,
        moved: true,
        suggestionAllowed: false,
      });
      expect(
        anchorOne({ line: 9, quotedCode: "label = 'nai\u0308ve' # 👍🏽" }, [file]),
      ).toMatchObject({
        side: "RIGHT",
        line: 1,
      });
    });
  });

  describe("drops a startLine GitHub would reject", () => {
    it("when the range crosses two hunks", () => {
      expect(
        anchorOne({
          startLine: 5,
          line: 22,
          quotedCode: "const text = JSON.stringify(value);",
          replacement: "x",
        }),
      ).toEqual({
        side: "RIGHT",
        line: 22,
        startLine: null,
        moved: false,
        suggestionAllowed: true,
      });
    });

    it("when it is not before the line", () => {
      expect(anchorOne({ startLine: 4, line: 4 })).toMatchObject({ line: 4, startLine: null });
      expect(anchorOne({ startLine: 6, line: 4 })).toMatchObject({ line: 4, startLine: null });
    });

    it("when it is not in the diff on that side", () => {
      expect(
        anchorOne({
          side: "RIGHT",
          startLine: 10,
          line: 22,
          quotedCode: "const text = JSON.stringify(value);",
        }),
      ).toMatchObject({ side: "RIGHT", startLine: null, line: 22 });
    });
  });

  it("keeps a LEFT range over a context and a deleted line of one hunk", () => {
    expect(
      anchorOne({
        side: "LEFT",
        startLine: 2,
        line: 3,
        quotedCode: "const data = fs.readFileSync(path);",
      }),
    ).toEqual({ side: "LEFT", startLine: 2, line: 3, moved: false, suggestionAllowed: false });
  });

  describe("allows a suggestion only on new-file lines of one hunk", () => {
    it("not without a replacement", () => {
      expect(anchorOne({ line: 4, replacement: null })).toMatchObject({ suggestionAllowed: false });
    });

    it("not on a LEFT line, deleted or context", () => {
      expect(
        anchorOne({
          side: "LEFT",
          line: 21,
          quotedCode: "fs.writeFileSync(path, value);",
          replacement: "await writeFile(path, value);",
        }),
      ).toMatchObject({ side: "LEFT", line: 21, suggestionAllowed: false });
      expect(
        anchorOne({
          side: "LEFT",
          line: 4,
          quotedCode: "if (!data) {",
          replacement: "if (!data) return;",
        }),
      ).toMatchObject({ side: "LEFT", line: 4, suggestionAllowed: false });
    });

    it("on RIGHT context lines and on a RIGHT range of added and context lines", () => {
      expect(
        anchorOne({
          line: 5,
          quotedCode: "if (!data) {",
          replacement: "if (data === undefined) {",
        }),
      ).toMatchObject({ suggestionAllowed: true });
      expect(anchorOne({ startLine: 1, line: 7, replacement: "x" })).toMatchObject({
        startLine: 1,
        line: 7,
        suggestionAllowed: true,
      });
    });

    it("with an empty replacement (a suggestion that deletes the lines)", () => {
      expect(anchorOne({ line: 4, replacement: "" })).toMatchObject({ suggestionAllowed: true });
    });
  });

  describe("sets aside what cannot be anchored, with the reason", () => {
    it("a file not in the diff", () => {
      expect(anchorOne({ path: "src/other.ts" })).toEqual({ reason: "file not in the diff" });
      expect(anchorOne({ path: "src/load.ts" }, [])).toEqual({ reason: "file not in the diff" });
    });

    it("a quote that is nowhere in the file's diff", () => {
      expect(anchorOne({ line: 4, quotedCode: "process.exit(1);" })).toEqual({
        reason: "quoted code not found in the diff",
      });
      // Each line exists, but not as consecutive lines of one side of one hunk.
      expect(
        anchorOne({
          quotedCode: "const data = fs.readFileSync(path);\nconst data = await readFile(path);",
        }),
      ).toEqual({ reason: "quoted code not found in the diff" });
      expect(anchorOne({ quotedCode: "return null;\n}\nfunction save(value) {" })).toEqual({
        reason: "quoted code not found in the diff",
      });
    });

    it("a quote that only appears cut inside a token", () => {
      expect(anchorOne({ line: 30, quotedCode: "SON.pars" })).toEqual({
        reason: "quoted code not found in the diff",
      });
      expect(anchorOne({ line: 30, quotedCode: "data = await" })).toMatchObject({ line: 3 });
    });

    it("an empty quote on a line that is not in the diff", () => {
      expect(anchorOne({ line: 12, quotedCode: "" })).toEqual({
        reason: "no quoted code to locate, and line 12 is not in the diff on the RIGHT side",
      });
      expect(anchorOne({ side: "LEFT", line: 3, quotedCode: " \n\t\n" })).toMatchObject({
        side: "LEFT",
        line: 3,
        moved: false,
      });
      expect(anchorOne({ side: "LEFT", line: 2, quotedCode: "```\n```" })).toMatchObject({
        side: "LEFT",
        line: 2,
        moved: false,
      });
    });
  });

  it("finds a renamed file by its previous path and answers with the current one", () => {
    const renamed: FileDiff = {
      ...load,
      path: "src/read.ts",
      previousPath: "src/load.ts",
      status: "renamed",
    };
    const { anchored } = anchorFindings([finding({ path: "src/load.ts" })], [renamed]);
    expect(anchored).toEqual([
      expect.objectContaining({ path: "src/read.ts", side: "RIGHT", line: 4, moved: false }),
    ]);
    // A file that now has that path wins over the previous path of another.
    const { anchored: direct } = anchorFindings([finding({})], [renamed, load]);
    expect(direct[0]!.path).toBe("src/load.ts");
  });

  it("keeps the input order and every field of each finding, and mutates nothing", () => {
    const findings: Finding[] = [
      finding({ title: "first", line: 7 }),
      finding({ title: "second", path: "nope.ts" }),
      finding({ title: "third", line: 4 }),
      finding({ title: "fourth", quotedCode: "absent();" }),
    ];
    const files = [load];
    const before = structuredClone({ findings, files });
    deepFreeze(findings);
    deepFreeze(files);
    const { anchored, unanchored } = anchorFindings(findings, files);
    expect({ findings, files }).toEqual(before);
    expect(anchored.map((item) => item.title)).toEqual(["first", "third"]);
    expect(unanchored.map((item) => [item.title, item.reason])).toEqual([
      ["second", "file not in the diff"],
      ["fourth", "quoted code not found in the diff"],
    ]);
    expect(anchored[0]).toEqual({
      ...findings[0],
      line: 4,
      startLine: null,
      side: "RIGHT",
      moved: true,
      suggestionAllowed: false,
    });
    expect(unanchored[0]).toEqual({ ...findings[1], reason: "file not in the diff" });
    expect(anchored[0]).not.toBe(findings[0]);
  });

  it("returns empty lists for no findings", () => {
    expect(anchorFindings([], [load])).toEqual({ anchored: [], unanchored: [] });
  });
});

describe("anchorFindings on real diffs", () => {
  const fixtureDir = new URL("../fixtures/patches/", import.meta.url);
  const names = [
    "sonic-boom-many-hunks",
    "locale-unicode",
    "msg26-crlf-eol-renamed",
    "cert3-added-no-eol",
  ];

  describe.each(names)("%s", (name) => {
    const hunks = parsePatch(readFileSync(new URL(`${name}.patch`, fixtureDir), "utf8"));
    const file: FileDiff = { path: "f", status: "modified", hunks };
    const lines = hunks.flatMap((hunk) => hunk.lines).filter((line) => line.text.trim() !== "");
    const normalise = (text: string): string => text.replace(/\s+/g, " ").trim();
    const count = (text: string): number =>
      lines.filter((line) => normalise(line.text) === normalise(text)).length;

    it("keeps every finding that names its line right", () => {
      const findings = lines.map((line) => ({
        path: "f",
        side: line.kind === "delete" ? ("LEFT" as const) : ("RIGHT" as const),
        line: (line.kind === "delete" ? line.oldLine : line.newLine)!,
        startLine: null,
        quotedCode: line.text,
        replacement: null,
      }));
      const { anchored, unanchored } = anchorFindings(findings, [file]);
      expect(unanchored).toEqual([]);
      expect(anchored.every((item) => !item.moved)).toBe(true);
    });

    it("moves a finding 3 lines off back onto its line when the quote is unique", () => {
      const unique = lines.filter((line) => count(line.text) === 1 && line.kind !== "context");
      expect(unique.length).toBeGreaterThan(0);
      for (const line of unique) {
        const side = line.kind === "delete" ? ("LEFT" as const) : ("RIGHT" as const);
        const real = (line.kind === "delete" ? line.oldLine : line.newLine)!;
        const { anchored } = anchorFindings(
          [
            {
              path: "f",
              side,
              line: real + 3,
              startLine: null,
              quotedCode: line.text,
              replacement: "x",
            },
          ],
          [file],
        );
        expect(anchored[0]).toMatchObject({
          side,
          line: real,
          startLine: null,
          suggestionAllowed: side === "RIGHT",
        });
      }
    });
  });
});

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
