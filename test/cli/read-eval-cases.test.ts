import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readEvalCases } from "../../src/cli/read-eval-cases.ts";

// The shape of offline/golden_comments/cal_dot_com.json in withmartian/code-review-benchmark.
const MARTIAN = [
  {
    pr_title: "Async import of the appStore packages",
    url: "https://github.com/calcom/cal.com/pull/8087",
    comments: [
      { comment: "Consider adding try-catch around the await", severity: "Low" },
      { comment: "forEach with async callbacks runs them unawaited", severity: "Critical" },
    ],
  },
];

function folderWith(files: Record<string, unknown>): string {
  const folder = mkdtempSync(path.join(tmpdir(), "revue-cases-"));
  for (const [name, value] of Object.entries(files)) {
    writeFileSync(path.join(folder, name), JSON.stringify(value));
  }
  return folder;
}

describe("readEvalCases", () => {
  it("reads Martian's golden-comment files from a folder, in name order", async () => {
    const local = [
      { pr_title: "Local", repository: "repo", base: "main", head: "topic", comments: [] },
    ];
    const folder = folderWith({ "b.json": MARTIAN, "a.json": local, "notes.txt": "x" });
    const cases = await readEvalCases(folder);
    expect(cases).toEqual([
      {
        key: "repo@main..topic",
        title: "Local",
        golden: [],
        source: {
          kind: "local",
          repository: path.join(folder, "repo"),
          base: "main",
          head: "topic",
        },
      },
      {
        key: "https://github.com/calcom/cal.com/pull/8087",
        title: "Async import of the appStore packages",
        golden: MARTIAN[0]!.comments,
        source: { kind: "pull-request", url: "https://github.com/calcom/cal.com/pull/8087" },
      },
    ]);
  });

  it("names the file and the problem for a case it cannot read", async () => {
    const folder = folderWith({ "bad.json": [{ pr_title: "No source", comments: [] }] });
    await expect(readEvalCases(folder)).rejects.toThrow(
      /bad\.json: case 0: a case needs `url` \(a pull request\) or `repository`/,
    );
    await expect(readEvalCases(path.join(folder, "missing.json"))).rejects.toThrow(
      /no such file or folder/,
    );
  });
});
