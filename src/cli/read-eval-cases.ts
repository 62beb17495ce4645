import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { CliError } from "./cli-error.ts";

/**
 * One case in the format of Martian's Code Review Benchmark (`offline/golden_comments/*.json` in
 * github.com/withmartian/code-review-benchmark): a JSON array of
 * `{ "pr_title", "url", "comments": [{ "comment", "severity" }] }`, severity one of Low, Medium,
 * High, Critical. Revue adds three optional fields for a case on a local git repository instead of
 * a pull request on GitHub: `repository` (its folder, relative to the case file), `base` and
 * `head` (branches or commits); `url` is then optional.
 */
const caseSchema = z
  .object({
    pr_title: z.string(),
    url: z.string().optional(),
    comments: z.array(z.object({ comment: z.string().min(1), severity: z.string() }).loose()),
    repository: z.string().optional(),
    base: z.string().optional(),
    head: z.string().optional(),
  })
  .loose()
  .refine((c) => c.url !== undefined || c.repository !== undefined, {
    message: "a case needs `url` (a pull request) or `repository` with `base` and `head`",
  })
  .refine((c) => c.repository === undefined || (c.base !== undefined && c.head !== undefined), {
    message: "a local case (`repository`) needs `base` and `head`",
  });

export type GoldenComment = { comment: string; severity: string };

export type EvalCase = {
  /** The pull request URL, or `repository@base..head` for a local case: how runs are compared. */
  key: string;
  title: string;
  golden: GoldenComment[];
  source:
    | { kind: "pull-request"; url: string }
    | { kind: "local"; repository: string; base: string; head: string };
};

/**
 * Reads the cases in `location`: one JSON file, or every `*.json` file of a folder (Martian's
 * `offline/golden_comments/`), in name order. Throws CliError naming the file and the problem.
 */
export async function readEvalCases(location: string): Promise<EvalCase[]> {
  const stats = await stat(location).catch(() => null);
  if (stats === null) {
    throw new CliError(
      `${location}: no such file or folder. Give a cases file (JSON) or a folder of them.`,
    );
  }
  const files = stats.isDirectory()
    ? (await readdir(location))
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => path.join(location, name))
    : [location];
  if (files.length === 0) throw new CliError(`${location} holds no .json case files.`);
  const cases: EvalCase[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new CliError(`${file}: not JSON (${(error as Error).message}).`, { cause: error });
    }
    const parsed = z.array(caseSchema).safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CliError(
        `${file}: case ${issue.path.join(".")}: ${issue.message}. Expected Martian's golden-comment format: ` +
          '[{ "pr_title": "…", "url": "https://github.com/o/r/pull/1", "comments": [{ "comment": "…", "severity": "High" }] }].',
      );
    }
    for (const item of parsed.data) {
      const golden = item.comments.map(({ comment, severity }) => ({ comment, severity }));
      if (item.repository !== undefined) {
        const repository = path.resolve(path.dirname(file), item.repository);
        cases.push({
          key: item.url ?? `${item.repository}@${item.base}..${item.head}`,
          title: item.pr_title,
          golden,
          source: { kind: "local", repository, base: item.base!, head: item.head! },
        });
      } else {
        cases.push({
          key: item.url!,
          title: item.pr_title,
          golden,
          source: { kind: "pull-request", url: item.url! },
        });
      }
    }
  }
  return cases;
}
