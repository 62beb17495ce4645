import { readFileSync, existsSync } from "node:fs";
import { describe, it, expect } from "vitest";
import { parsePatch, PatchParseError } from "../../src/diff/parse-patch.ts";
import type { Hunk } from "../../src/diff/parse-patch.ts";

/**
 * Real diffs of real projects, made by test/fixtures/patches/make-fixtures.sh: `<name>.patch` is
 * the diff from its first "@@" (GitHub's `patch` field), `<name>.old`/`<name>.new` the file on each
 * side as `git show` printed it, `<name>.git.diff` the full `git diff` (renamed/added/removed).
 */
type Fixture = {
  name: string;
  status: "added" | "removed" | "modified" | "renamed";
  path: string;
  previousPath: string | null;
  additions: number;
  deletions: number;
};

const fixtureDir = new URL("../fixtures/patches/", import.meta.url);
const fixtures = JSON.parse(
  readFileSync(new URL("fixtures.json", fixtureDir), "utf8"),
) as Fixture[];

function readFixture(name: string): string {
  return readFileSync(new URL(name, fixtureDir), "utf8");
}

function readOptional(name: string): string | null {
  return existsSync(new URL(name, fixtureDir)) ? readFixture(name) : null;
}

/** A file's lines as parsePatch numbers them: split on "\n", a final "\r" dropped from each. */
function fileLines(content: string | null): string[] {
  if (content === null || content === "") return [];
  const lines = content.split("\n");
  if (content.endsWith("\n")) lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** The lines `git diff` writes before a modified file's first hunk, then the patch itself. */
function withGitHeaders(fixture: Fixture, patch: string): string {
  return [
    `diff --git a/${fixture.path} b/${fixture.path}`,
    "index 1234567..89abcde 100644",
    `--- a/${fixture.path}`,
    `+++ b/${fixture.path}`,
    patch,
  ].join("\n");
}

/**
 * Applies hunks to the old file's lines the way `patch` would, checking on the way that every
 * context and deleted line is the old file's line at `oldLine`, and that each line lands at its
 * `newLine`. Returns the new file's lines.
 */
function applyHunks(oldLines: string[], hunks: Hunk[]): string[] {
  const result: string[] = [];
  let oldNext = 1;
  for (const hunk of hunks) {
    const firstOld = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    while (oldNext < firstOld) result.push(oldLines[oldNext++ - 1]!);
    for (const line of hunk.lines) {
      if (line.kind !== "add") {
        expect(line.oldLine).toBe(oldNext);
        expect(oldLines[oldNext - 1]).toBe(line.text);
        oldNext += 1;
      }
      if (line.kind !== "delete") {
        expect(line.newLine).toBe(result.length + 1);
        result.push(line.text);
      }
    }
  }
  while (oldNext <= oldLines.length) result.push(oldLines[oldNext++ - 1]!);
  return result;
}

describe("parsePatch on real git diffs", () => {
  it("has fixtures of every kind the brief asks for", () => {
    expect(new Set(fixtures.map((fixture) => fixture.status))).toEqual(
      new Set(["added", "removed", "modified", "renamed"]),
    );
  });

  describe.each(fixtures)("$name ($status, $source)", (fixture) => {
    const patch = readFixture(`${fixture.name}.patch`);
    const oldContent = readOptional(`${fixture.name}.old`);
    const newContent = readOptional(`${fixture.name}.new`);
    const hunks = parsePatch(patch);

    it("numbers every line as git's copy of the file does", () => {
      const oldLines = fileLines(oldContent);
      const newLines = fileLines(newContent);
      for (const line of hunks.flatMap((hunk) => hunk.lines)) {
        if (line.oldLine !== null) expect(oldLines[line.oldLine - 1]).toBe(line.text);
        if (line.newLine !== null) expect(newLines[line.newLine - 1]).toBe(line.text);
        expect(line.oldLine === null).toBe(line.kind === "add");
        expect(line.newLine === null).toBe(line.kind === "delete");
      }
    });

    it("rebuilds the whole new file from the old file and the hunks", () => {
      expect(applyHunks(fileLines(oldContent), hunks)).toEqual(fileLines(newContent));
    });

    it("has as many hunks, additions and deletions as git reports", () => {
      expect(hunks).toHaveLength(patch.split("\n").filter((row) => row.startsWith("@@")).length);
      const all = hunks.flatMap((hunk) => hunk.lines);
      expect(all.filter((line) => line.kind === "add")).toHaveLength(fixture.additions);
      expect(all.filter((line) => line.kind === "delete")).toHaveLength(fixture.deletions);
    });

    it("gives each hunk exactly the line counts of its header", () => {
      for (const hunk of hunks) {
        expect(hunk.lines.filter((line) => line.kind !== "add")).toHaveLength(hunk.oldLines);
        expect(hunk.lines.filter((line) => line.kind !== "delete")).toHaveLength(hunk.newLines);
      }
    });

    it("parses the full git diff, headers included, to the same hunks", () => {
      // Modified fixtures keep only the GitHub form: git's headers are written in front of it.
      const gitDiff = readOptional(`${fixture.name}.git.diff`) ?? withGitHeaders(fixture, patch);
      expect(gitDiff.startsWith("diff --git ")).toBe(true);
      expect(gitDiff).not.toBe(patch);
      expect(parsePatch(gitDiff)).toEqual(hunks);
    });

    it("parses the patch with every line ending turned into CRLF to the same hunks", () => {
      // A row that already ends in "\r" (a CRLF file's content) keeps its one "\r": a second
      // would be content. In the CRLF fixtures the "@@" rows are LF-only and still change.
      const crlf = patch.replace(/(?<!\r)\n/g, "\r\n");
      expect(crlf).not.toBe(patch);
      expect(
        crlf
          .split("\n")
          .slice(0, -1)
          .every((row) => row.endsWith("\r")),
      ).toBe(true);
      expect(parsePatch(crlf)).toEqual(hunks);
    });
  });

  const byName = (name: string): Hunk[] => parsePatch(readFixture(`${name}.patch`));

  it("reads a removed one-line file whose header omits the count (@@ -1 +0,0 @@)", () => {
    expect(byName("resource-removed-one-line")).toEqual([
      {
        oldStart: 1,
        oldLines: 1,
        newStart: 0,
        newLines: 0,
        header: "",
        lines: [{ kind: "delete", oldLine: 1, newLine: null, text: "a resource" }],
      },
    ]);
  });

  it("reads an added file (@@ -0,0 +1,34 @@) without a newline at its end", () => {
    const [hunk, ...rest] = byName("cert3-added-no-eol");
    expect(rest).toEqual([]);
    expect(hunk).toMatchObject({ oldStart: 0, oldLines: 0, newStart: 1, newLines: 34, header: "" });
    expect(hunk!.lines.at(-1)).toEqual({
      kind: "add",
      oldLine: null,
      newLine: 34,
      text: "-----END CERTIFICATE-----",
    });
  });

  it("reads a CRLF file renamed with changes, whose old version lacked the final newline", () => {
    const hunks = byName("msg26-crlf-eol-renamed");
    expect(hunks.map((hunk) => hunk.header)).toEqual([
      "Simple email with attachment.",
      "AAMwgAgAAAAACDAAAAu7t7cwAAgDgAAAAABzcIAAAAAAAAgDMwAAAAAAN7uwgAAAAAgH",
    ]);
    expect(hunks[0]!.lines.slice(3, 6)).toEqual([
      {
        kind: "delete",
        oldLine: 27,
        newLine: null,
        text: 'Content-Type: application/riscos; name="clock.bmp,69c"; type=BMP; load=&fff69c4b; exec=&355dd4d1; access=&03',
      },
      {
        kind: "add",
        oldLine: null,
        newLine: 27,
        text: 'Content-Type: application/riscos; name="clock.bmp,69c"; type=BMP;',
      },
      {
        kind: "add",
        oldLine: null,
        newLine: 28,
        text: "\tload=&fff69c4b; exec=&355dd4d1; access=&03",
      },
    ]);
    // "---1618..." is the deleted line "--1618...", not a "--- a/file" header; "\ No newline"
    // sits between it and the added line and is not a line.
    expect(hunks[1]!.lines.slice(-2)).toEqual([
      { kind: "delete", oldLine: 45, newLine: null, text: "--1618492860--2051301190--113853680--" },
      { kind: "add", oldLine: null, newLine: 46, text: "--1618492860--2051301190--113853680--" },
    ]);
  });

  it("keeps unicode text intact", () => {
    const lines = byName("multibytecodec-unicode").flatMap((hunk) => hunk.lines);
    expect(lines).toContainEqual({
      kind: "context",
      oldLine: 217,
      newLine: 218,
      text: '        text = "Python の開発は、1990 年ごろから開始されています。"',
    });
  });

  it("reads a rename whose last hunk only deletes", () => {
    const last = byName("activate-fish-renamed").at(-1)!;
    expect(last).toMatchObject({ oldStart: 65, oldLines: 5, newStart: 66, newLines: 4 });
    expect(last.lines.filter((line) => line.kind === "delete")).toEqual([
      {
        kind: "delete",
        oldLine: 68,
        newLine: null,
        text: '    set -gx VIRTUAL_ENV_PROMPT "__VENV_PROMPT__"',
      },
    ]);
  });

  it("reads git -U0 hunks that only add (-a,0) or only delete (+c,0)", () => {
    const hunks = byName("sonic-boom-zero-context");
    expect(hunks.some((hunk) => hunk.oldLines === 0 && hunk.newLines > 0)).toBe(true);
    expect(hunks.some((hunk) => hunk.newLines === 0 && hunk.oldLines > 0)).toBe(true);
    expect(hunks.flatMap((hunk) => hunk.lines).every((line) => line.kind !== "context")).toBe(true);
  });
});

describe("parsePatch on edge cases", () => {
  it("returns [] for an empty patch, or one that is only a newline", () => {
    expect(parsePatch("")).toEqual([]);
    expect(parsePatch("\n")).toEqual([]);
    expect(parsePatch("\r\n")).toEqual([]);
  });

  it("returns [] for git headers without hunks (pure rename, mode change, binary file)", () => {
    const rename = [
      "diff --git a/old.txt b/new.txt",
      "similarity index 100%",
      "rename from old.txt",
      "rename to new.txt",
    ].join("\n");
    expect(parsePatch(rename)).toEqual([]);
    expect(parsePatch("diff --git a/x b/x\nold mode 100644\nnew mode 100755\n")).toEqual([]);
    expect(
      parsePatch(
        "diff --git a/a.png b/a.png\nindex 1..2 100644\nBinary files a/a.png and b/a.png differ",
      ),
    ).toEqual([]);
  });

  it("takes an omitted count as 1 and an absent heading as empty", () => {
    expect(parsePatch("@@ -3 +3 @@\n-a\n+b")).toEqual([
      {
        oldStart: 3,
        oldLines: 1,
        newStart: 3,
        newLines: 1,
        header: "",
        lines: [
          { kind: "delete", oldLine: 3, newLine: null, text: "a" },
          { kind: "add", oldLine: null, newLine: 3, text: "b" },
        ],
      },
    ]);
  });

  it("keeps the heading after the second @@, with its own spacing", () => {
    expect(parsePatch("@@ -1 +1 @@ function f() {  \n x")[0]!.header).toBe("function f() {  ");
    expect(parsePatch("@@ -1 +1 @@\tfunc\n x")[0]!.header).toBe("\tfunc");
    expect(parsePatch("@@ -1 +1 @@ @@ odd @@\n x")[0]!.header).toBe("@@ odd @@");
  });

  it("reads a final empty row as a blank line while the last hunk is short of lines", () => {
    // The last row of "…\n a\n\n" is the blank context line; the final "\n" ends it.
    expect(parsePatch("@@ -1,2 +1,2 @@\n a\n\n")[0]!.lines).toEqual([
      { kind: "context", oldLine: 1, newLine: 1, text: "a" },
      { kind: "context", oldLine: 2, newLine: 2, text: "" },
    ]);
    // Once the hunk is complete, blank rows at the end are only trailing newlines.
    expect(parsePatch("@@ -1 +1 @@\n-a\n+b\n\n\n")[0]!.lines).toHaveLength(2);
  });

  it("counts an empty line inside a hunk as an empty context line", () => {
    const [hunk] = parsePatch("@@ -1,3 +1,3 @@\n a\n\n-b\n+c");
    expect(hunk!.lines).toEqual([
      { kind: "context", oldLine: 1, newLine: 1, text: "a" },
      { kind: "context", oldLine: 2, newLine: 2, text: "" },
      { kind: "delete", oldLine: 3, newLine: null, text: "b" },
      { kind: "add", oldLine: null, newLine: 3, text: "c" },
    ]);
  });

  it("reads a deleted '-- x' and an added '++ x' line as content, not as headers", () => {
    const [hunk] = parsePatch("@@ -1,2 +1,2 @@\n--- a SQL comment\n+++ counter\n context");
    expect(hunk!.lines).toEqual([
      { kind: "delete", oldLine: 1, newLine: null, text: "-- a SQL comment" },
      { kind: "add", oldLine: null, newLine: 1, text: "++ counter" },
      { kind: "context", oldLine: 2, newLine: 2, text: "context" },
    ]);
  });

  it("skips '\\ No newline at end of file' wherever it appears", () => {
    const patch =
      "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n\\ No newline at end of file\n";
    expect(parsePatch(patch)[0]!.lines).toEqual([
      { kind: "delete", oldLine: 1, newLine: null, text: "a" },
      { kind: "add", oldLine: null, newLine: 1, text: "a" },
    ]);
  });

  it("strips the \\r of CRLF lines, headers included, but keeps a \\r inside a line", () => {
    const [hunk] = parsePatch("@@ -1,2 +1,2 @@ heading\r\n a\r\n-b\rc\r\n+d\r\n");
    expect(hunk!.header).toBe("heading");
    expect(hunk!.lines.map((line) => line.text)).toEqual(["a", "b\rc", "d"]);
  });

  it("keeps astral characters, combining marks and RTL text as they are", () => {
    const [hunk] = parsePatch(
      "@@ -0,0 +1,3 @@\n+const ok = '👍🏽';\n+const name = 'nai\u0308ve';\n+// שלום",
    );
    expect(hunk!.lines.map((line) => line.text)).toEqual([
      "const ok = '👍🏽';",
      "const name = 'nai\u0308ve';",
      "// שלום",
    ]);
  });

  it("numbers the lines of several hunks from each header", () => {
    const hunks = parsePatch("@@ -1,2 +1,3 @@ a\n x\n+y\n z\n@@ -10,2 +11,1 @@ b\n p\n-q");
    expect(hunks.map((hunk) => hunk.lines.map((line) => [line.oldLine, line.newLine]))).toEqual([
      [
        [1, 1],
        [null, 2],
        [2, 3],
      ],
      [
        [10, 11],
        [11, null],
      ],
    ]);
  });

  describe("errors name the line that is wrong", () => {
    const rejects = (patch: string, message: RegExp): void => {
      expect(() => parsePatch(patch)).toThrow(PatchParseError);
      expect(() => parsePatch(patch)).toThrow(message);
    };

    it("is an Error named PatchParseError", () => {
      const error = (() => {
        try {
          parsePatch("nonsense");
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(PatchParseError);
      expect((error as Error).name).toBe("PatchParseError");
    });

    it("rejects a blank row between hunks", () => {
      rejects("@@ -1 +1 @@\n-a\n+b\n\n@@ -5 +5 @@\n x", /patch line 4: "" is outside any hunk/);
    });

    it("rejects content before the first hunk", () => {
      rejects("hello\n@@ -1 +1 @@\n x", /patch line 1: expected a hunk header .*"hello"/);
    });

    it("rejects malformed hunk headers", () => {
      rejects("@@ -1,2 +1,2\n a", /patch line 1: malformed hunk header "@@ -1,2 \+1,2"/);
      rejects("@@ -a +1 @@\n a", /patch line 1: malformed hunk header/);
      rejects("@@@ -1,2 -1,2 +1,3 @@@\n  a", /patch line 1: malformed hunk header/);
      rejects("@@ -1,2 +1,2 @@\n a\n b\n@@ +1 -1 @@\n x", /patch line 4: malformed hunk header/);
    });

    it("rejects a header that puts lines at line 0", () => {
      rejects("@@ -0,1 +1 @@\n x", /patch line 1: .* 1 old lines starting at line 0/);
      rejects("@@ -1 +0,2 @@\n x\n+y", /patch line 1: .* 2 new lines starting at line 0/);
    });

    it("rejects a line beyond the counts of the hunk header", () => {
      rejects("@@ -1,2 +1,2 @@\n a\n b\n c", /patch line 4: " c" is outside any hunk/);
      rejects("@@ -1,2 +1,2 @@\n a\n b\n-c", /patch line 4: "-c" is outside any hunk/);
    });

    it("rejects an added line once the new side is full, and a deleted line once the old is", () => {
      rejects("@@ -1,2 +1,1 @@\n a\n+b\n-c", /patch line 3: added line "\+b" is one more than/);
      rejects("@@ -1,1 +1,2 @@\n a\n-b\n+c", /patch line 3: deleted line "-b" is one more than/);
      rejects("@@ -2,1 +2,2 @@\n+a\n+b\n c", /patch line 4: context line " c" is one more than/);
    });

    it("rejects a hunk that ends before its counts are met", () => {
      rejects(
        "@@ -1,3 +1,3 @@\n a\n b\n",
        /patch line 1: .* promises 3 old and 3 new lines but the patch ends after 2 old and 2 new/,
      );
      rejects(
        "@@ -1,3 +1,3 @@\n a\n b",
        /patch line 1: the hunk "@@ -1,3 \+1,3 @@" promises 3 old and 3 new lines but the patch ends after 2 old and 2 new/,
      );
      rejects(
        "@@ -1,3 +1,3 @@\n a\n@@ -9 +9 @@\n x",
        /patch line 3: a new hunk starts, but the hunk "@@ -1,3 \+1,3 @@" \(patch line 1\) promises 3 old and 3 new lines and has only 1 old and 1 new/,
      );
    });

    it("rejects a line inside a hunk that has no diff marker", () => {
      rejects(
        "@@ -1,2 +1,2 @@\n a\n*b",
        /patch line 3: "\*b" inside the hunk "@@ -1,2 \+1,2 @@" must start/,
      );
    });

    it("rejects hunks out of order or overlapping", () => {
      rejects(
        "@@ -10 +10 @@\n x\n@@ -2 +2 @@\n y",
        /patch line 3: hunk "@@ -2 \+2 @@" overlaps or comes before/,
      );
      rejects("@@ -1,3 +1,3 @@\n a\n b\n c\n@@ -3 +3 @@\n y", /patch line 5: .* overlaps/);
    });

    it("rejects headers whose unchanged gaps differ between the sides", () => {
      rejects(
        "@@ -5 +7 @@\n x",
        /patch line 1: hunk "@@ -5 \+7 @@" starts 4 unchanged lines after the top of the file on the old side but 6 on the new side/,
      );
      rejects(
        "@@ -1,2 +1,3 @@\n a\n+b\n c\n@@ -10 +10 @@\n x",
        /patch line 5: .* 7 unchanged lines after the previous hunk on the old side but 6 on the new side/,
      );
    });

    it("rejects a row that looks like a git header after a hunk its header did not count", () => {
      // "--- b" is the deleted line "-- b", "+++ c" the added "++ c": content, one too many.
      rejects("@@ -1 +0,0 @@\n-a\n--- b", /patch line 3: "--- b" is outside any hunk/);
      rejects("@@ -0,0 +1 @@\n+a\n+++ c", /patch line 3: "\+\+\+ c" is outside any hunk/);
      rejects(
        "@@ -1 +1 @@\n-a\n+b\nindex 1..2 100644\n@@ -5 +5 @@\n x",
        /patch line 4: "index 1..2 100644" is outside any hunk/,
      );
    });

    it("rejects a second file", () => {
      rejects(
        "@@ -1 +1 @@\n-a\n+b\ndiff --git a/other b/other\n@@ -1 +1 @@\n-c\n+d",
        /patch line 4: a second file starts here/,
      );
    });
  });
});
