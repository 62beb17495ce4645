import { describe, expect, it } from "vitest";
import { parsePatch } from "../../../src/diff/parse-patch.ts";
import { toFileDiffs } from "../../../src/review/steps/to-file-diffs.ts";
import { APP_PATCH, README_PATCH } from "../../helpers/fixtures.ts";

const file = (filename: string, patch?: string, previous?: string) => ({
  filename,
  ...(previous ? { previous_filename: previous } : {}),
  status: (previous ? "renamed" : "modified") as "renamed" | "modified",
  additions: 1,
  deletions: 0,
  changes: 1,
  ...(patch !== undefined ? { patch } : {}),
});

describe("toFileDiffs", () => {
  it("parses each patch, in order, keeping a renamed file's previous path", () => {
    const { diffs, unparsable } = toFileDiffs([
      file("src/app.js", APP_PATCH),
      file("README.md", README_PATCH, "README"),
    ]);
    expect(diffs).toEqual([
      {
        path: "src/app.js",
        previousPath: undefined,
        status: "modified",
        hunks: parsePatch(APP_PATCH),
      },
      {
        path: "README.md",
        previousPath: "README",
        status: "renamed",
        hunks: parsePatch(README_PATCH),
      },
    ]);
    expect(unparsable).toEqual([]);
  });

  it("leaves out a file without a patch and reports a patch it cannot parse", () => {
    const { diffs, unparsable } = toFileDiffs([
      file("logo.png"),
      file("broken.js", "@@ this is not a hunk header\n+x"),
      file("src/app.js", APP_PATCH),
    ]);
    expect(diffs.map((d) => d.path)).toEqual(["src/app.js"]);
    expect(unparsable).toEqual([{ path: "broken.js", reason: "its patch could not be parsed" }]);
  });
});
