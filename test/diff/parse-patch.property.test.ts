import fc from "fast-check";
import { describe, it, expect } from "vitest";
import { parsePatch, PatchParseError } from "../../src/diff/parse-patch.ts";
import type { Hunk } from "../../src/diff/parse-patch.ts";
import { arbitraryFileChange } from "./arbitrary-file-change.ts";

/**
 * Property tests: parsePatch against patches built from random edits of random files, so the
 * cases are the ones nobody thought to write down. A failure prints the shrunk change and a seed
 * to replay it with (`fc.assert(..., { seed, path })`).
 */

const runs = { numRuns: 300 };

/** A file's lines as parsePatch numbers them: split on "\n", one final "\r" dropped from each. */
function fileLines(content: string): string[] {
  if (content === "") return [];
  const lines = content.split("\n");
  if (content.endsWith("\n")) lines.pop();
  return lines.map((line) => line.replace(/\r$/, ""));
}

/** The new file's lines: the old file's, with the hunks applied in order, as `patch` would. */
function applyHunks(oldLines: string[], hunks: Hunk[]): string[] {
  const result: string[] = [];
  let oldNext = 1;
  for (const hunk of hunks) {
    const firstOld = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    while (oldNext < firstOld) result.push(oldLines[oldNext++ - 1]!);
    for (const line of hunk.lines) {
      if (line.kind !== "add") oldNext += 1;
      if (line.kind !== "delete") result.push(line.text);
    }
  }
  while (oldNext <= oldLines.length) result.push(oldLines[oldNext++ - 1]!);
  return result;
}

describe("parsePatch, for any change git can write", () => {
  it("reads the hunks the change was written from", () => {
    fc.assert(
      fc.property(arbitraryFileChange(), (change) => {
        expect(parsePatch(change.patch)).toEqual(change.hunks);
      }),
      runs,
    );
  });

  it("numbers every line as it is in the file on its side, and rebuilds the new file", () => {
    fc.assert(
      fc.property(arbitraryFileChange(), (change) => {
        const oldLines = fileLines(change.oldContent);
        const newLines = fileLines(change.newContent);
        const hunks = parsePatch(change.patch);
        for (const line of hunks.flatMap((hunk) => hunk.lines)) {
          expect(line.oldLine === null).toBe(line.kind === "add");
          expect(line.newLine === null).toBe(line.kind === "delete");
          if (line.oldLine !== null) expect(oldLines[line.oldLine - 1]).toBe(line.text);
          if (line.newLine !== null) expect(newLines[line.newLine - 1]).toBe(line.text);
        }
        expect(applyHunks(oldLines, hunks)).toEqual(newLines);
      }),
      runs,
    );
  });

  it("gives each hunk exactly the lines its header counts, in file order", () => {
    fc.assert(
      fc.property(arbitraryFileChange(), (change) => {
        const hunks = parsePatch(change.patch);
        for (const hunk of hunks) {
          expect(hunk.lines.filter((line) => line.kind !== "add")).toHaveLength(hunk.oldLines);
          expect(hunk.lines.filter((line) => line.kind !== "delete")).toHaveLength(hunk.newLines);
        }
        const oldNumbers = hunks.flatMap((hunk) => hunk.lines.map((line) => line.oldLine));
        const present = oldNumbers.filter((line) => line !== null);
        expect(present).toEqual([...present].sort((a, b) => a - b));
        expect(new Set(present).size).toBe(present.length);
      }),
      runs,
    );
  });

  it("reads the same hunks behind git's file headers", () => {
    fc.assert(
      fc.property(arbitraryFileChange(), (change) => {
        const gitDiff = [
          "diff --git a/src/app.ts b/src/app.ts",
          "index 83db48f..bf269f4 100644",
          "--- a/src/app.ts",
          "+++ b/src/app.ts",
          change.patch,
        ].join("\n");
        expect(parsePatch(gitDiff)).toEqual(change.hunks);
      }),
      runs,
    );
  });

  it("reads the same hunks when every row ends in CRLF", () => {
    fc.assert(
      fc.property(arbitraryFileChange(), (change) => {
        // A row already ending in "\r" (a CRLF file's line) keeps its one "\r".
        const crlf = change.patch.replace(/(?<!\r)\n/g, "\r\n");
        expect(parsePatch(crlf)).toEqual(change.hunks);
      }),
      runs,
    );
  });

  it("reads the same hunks when a tool strips the space of empty context lines", () => {
    fc.assert(
      fc.property(arbitraryFileChange(), (change) => {
        // The patch must end with "\n" for a stripped last row to be a row at all.
        const patch =
          change.patch === "" || change.patch.endsWith("\n") ? change.patch : `${change.patch}\n`;
        const stripped = patch
          .split("\n")
          .map((row) => (row === " " ? "" : row))
          .join("\n");
        expect(parsePatch(stripped)).toEqual(change.hunks);
      }),
      runs,
    );
  });

  it("rejects a header whose count is one off, instead of misnumbering the lines after it", () => {
    fc.assert(
      fc.property(
        arbitraryFileChange().filter((change) => change.hunks.length > 0),
        fc.nat(),
        fc.constantFrom(-1, 1),
        fc.boolean(),
        (change, pick, delta, oldSide) => {
          const target = pick % change.hunks.length;
          let seen = -1;
          const patch = change.patch
            .split("\n")
            .map((row) => {
              if (!row.startsWith("@@") || ++seen !== target) return row;
              const hunk = change.hunks[target]!;
              const oldLines = hunk.oldLines + (oldSide ? delta : 0);
              const newLines = hunk.newLines + (oldSide ? 0 : delta);
              return `@@ -${hunk.oldStart},${oldLines} +${hunk.newStart},${newLines} @@`;
            })
            .join("\n");
          // A count of -1 makes a malformed header: rejected as well.
          expect(() => parsePatch(patch)).toThrow(PatchParseError);
        },
      ),
      runs,
    );
  });

  it("either parses or throws PatchParseError on any text at all", () => {
    const row = fc.oneof(
      fc.constantFrom(" a", "-a", "+a", "", "\\ No newline at end of file", "diff --git a/x b/x"),
      fc
        .tuple(fc.nat(5), fc.nat(5), fc.nat(5), fc.nat(5))
        .map(([a, b, c, d]) => `@@ -${a},${b} +${c},${d} @@`),
      fc.string({ unit: "binary", maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
        try {
          parsePatch(rows.join("\n"));
        } catch (error) {
          expect(error).toBeInstanceOf(PatchParseError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
