import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../../src/config/read-model-config.ts";
import { runEvalCommand } from "../../src/cli/eval-command.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import type { GenerateRequest } from "../../src/model/structured-model.ts";
import type { ModelReview } from "../../src/review/review-output.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { ANTHROPIC_TEST_URL } from "../helpers/revue-harness.ts";
import { createStandInModel } from "../helpers/stand-in-model.ts";
import { makeGitRepository } from "./make-git-repository.ts";

// Three hand-written cases, each a branch of one repository. What the stand-in reviewer reports
// and what the stand-in judge answers are fixed, so every count and score below is known:
//   A: 2 golden, 2 findings, the judge matches 1        -> P 1/2, R 1/2, F1 1/2
//      (its second golden comment is "found" in finding 7, which does not exist: not found)
//   B: 1 golden, 3 findings, the judge matches 1        -> P 1/3, R 1,   F1 1/2
//   C: 2 golden, 0 findings, the judge is not asked     -> P 0,   R 0,   F1 0
//   overall (sums): 2 found, 5 findings, 5 golden        -> P 2/5, R 2/5, F1 2/5

const GOLDEN = {
  a1: "The last page is cut short: `end` should be `start + size`, not `start + size - 1`.",
  a2: "A negative page number is not rejected.",
  b1: "The retry loop never sleeps between attempts.",
  c1: "The cache key ignores the user id, so users see each other's data.",
  c2: "The cache entries never expire.",
};

function finding(path: string, quotedCode: string, title: string): ModelReview["findings"][number] {
  return {
    path,
    side: "RIGHT",
    line: 1,
    startLine: null,
    severity: "major",
    category: "bug",
    confidence: "high",
    title,
    explanation: `${title}.`,
    quotedCode,
    replacement: null,
  };
}

const REVIEWS: Record<string, ModelReview["findings"]> = {
  "page.ts": [
    finding("page.ts", "const end = start + size - 1;", "Off-by-one at the end of a page"),
    finding("page.ts", "const end = start + size - 1;", "Name `size` `pageSize`"),
  ],
  "retry.ts": [
    finding("retry.ts", "for (let i = 0; i < 3; i++) call();", "Magic number 3"),
    finding("retry.ts", "for (let i = 0; i < 3; i++) call();", "Retries without any delay"),
    finding("retry.ts", "for (let i = 0; i < 3; i++) call();", "Errors are swallowed"),
  ],
  "cache.ts": [],
};

/** The judge's answers: golden comment -> the finding it names (null: not found). */
function judgeWith(answers: Record<string, number | null>) {
  return (request: GenerateRequest<unknown>) => {
    const content = request.messages[0]!.content;
    if (request.task === "review") {
      const file = Object.keys(REVIEWS).find((name) => content.includes(`### ${name}`))!;
      return {
        summary: { walkthrough: "", files: [], risk: "low", riskReason: "" },
        findings: REVIEWS[file],
      };
    }
    const golden = Object.values(GOLDEN).find((g) => content.includes(g))!;
    const named = answers[golden] ?? null;
    return { reasoning: `judged ${golden.slice(0, 20)}`, found: named !== null, finding: named };
  };
}

let casesFile: string;
let oneCaseFile: string;
let dataDir: string;

beforeAll(() => {
  const repo = makeGitRepository();
  repo.commit({ "README.md": "cases\n" }, "first");
  const branches: [string, string, string][] = [
    ["case-a", "page.ts", "const end = start + size - 1;\n"],
    ["case-b", "retry.ts", "for (let i = 0; i < 3; i++) call();\n"],
    ["case-c", "cache.ts", "const key = request.path;\n"],
  ];
  for (const [branch, file, text] of branches) {
    repo.git("checkout", "-q", "-b", branch, "main");
    repo.commit({ [file]: text }, `add ${file}`);
  }
  repo.git("checkout", "-q", "main");
  const folder = mkdtempSync(path.join(tmpdir(), "revue-eval-"));
  dataDir = path.join(folder, "data");
  casesFile = path.join(folder, "cases.json");
  oneCaseFile = path.join(folder, "one-case.json");
  const local = (head: string) => ({
    repository: path.relative(folder, repo.root),
    base: "main",
    head,
  });
  writeFileSync(
    casesFile,
    JSON.stringify([
      {
        pr_title: "Pagination",
        ...local("case-a"),
        comments: [
          { comment: GOLDEN.a1, severity: "High" },
          { comment: GOLDEN.a2, severity: "Low" },
        ],
      },
      {
        pr_title: "Retries",
        ...local("case-b"),
        comments: [{ comment: GOLDEN.b1, severity: "Medium" }],
      },
      {
        pr_title: "Cache",
        ...local("case-c"),
        comments: [
          { comment: GOLDEN.c1, severity: "Critical" },
          { comment: GOLDEN.c2, severity: "Medium" },
        ],
      },
    ]),
  );
  writeFileSync(
    oneCaseFile,
    JSON.stringify([
      {
        pr_title: "Retries",
        ...local("case-b"),
        comments: [{ comment: GOLDEN.b1, severity: "Medium" }],
      },
    ]),
  );
});

async function runEval(
  argv: string[],
  answers: Record<string, number | null>,
  options: { keyless?: boolean } = {},
) {
  const out = { stdout: "", stderr: "" };
  const model = createStandInModel(judgeWith(answers), { id: "stand-in-sonnet" });
  const status = await runEvalCommand(argv, {
    cwd: path.dirname(casesFile),
    env: options.keyless
      ? { REVUE_DATA_DIR: dataDir }
      : { ANTHROPIC_API_KEY: "sk-test", REVUE_DATA_DIR: dataDir },
    model: options.keyless ? undefined : model,
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
  });
  return { status, out, model };
}

const FIRST = { [GOLDEN.a1]: 1, [GOLDEN.a2]: 7, [GOLDEN.b1]: 2 };
const SECOND = { [GOLDEN.a1]: 1, [GOLDEN.a2]: 2, [GOLDEN.b1]: 2 };

describe("revue eval", () => {
  it("scores three cases whose judge answers are known, per case and overall, and stores the run", async () => {
    const { status, out, model } = await runEval(
      [casesFile, "--name", "first", "--no-context"],
      FIRST,
    );
    expect(status, out.stderr).toBe(0);
    // Three reviews, and one judge call per golden comment of a case with findings.
    expect(model.requests.filter((r) => r.task === "review")).toHaveLength(3);
    expect(model.requests.filter((r) => r.task === "eval judge")).toHaveLength(3);

    const lines = out.stdout.split("\n");
    const row = (title: string) =>
      lines
        .find((l) => l.startsWith(title))!
        .split(/\s+/)
        .slice(-6);
    expect(row("Pagination")).toEqual(["2", "2", "1", "0.500", "0.500", "0.500"]);
    expect(row("Retries")).toEqual(["1", "3", "1", "0.333", "1.000", "0.500"]);
    expect(row("Cache")).toEqual(["2", "0", "0", "0.000", "0.000", "0.000"]);
    expect(row("overall (micro)")).toEqual(["5", "5", "2", "0.400", "0.400", "0.400"]);
    expect(out.stdout).toContain("review model stand-in-sonnet · judge model stand-in-sonnet");
    // 6 calls of 1,000 input and 200 output tokens at $3 and $15 per million.
    expect(out.stdout).toContain("tokens: review 3600, judge 3600 · cost $0.0360");

    // The stored scores are exact, not the printed roundings.
    const database = await openDatabase({ kind: "pglite", dataDir });
    try {
      await migrateToLatest(database.db);
      const run = await database.db
        .selectFrom("eval_runs")
        .selectAll()
        .where("name", "=", "first")
        .executeTakeFirstOrThrow();
      expect([run.true_positives, run.candidates, run.golden]).toEqual([2, 5, 5]);
      expect([run.precision, run.recall, run.f1]).toEqual([0.4, 0.4, (0.4 * 2 * 0.4) / 0.8]);
      const cases = await database.db
        .selectFrom("eval_case_results")
        .selectAll()
        .where("run_id", "=", run.id)
        .orderBy("title")
        .execute();
      expect(cases.map((c) => [c.title, c.precision, c.recall, c.f1])).toEqual([
        ["Cache", 0, 0, 0],
        ["Pagination", 0.5, 0.5, 0.5],
        ["Retries", 1 / 3, 1, (2 * (1 / 3) * 1) / (1 / 3 + 1)],
      ]);
      const verdicts = (
        cases[1]!.details as { verdicts: { found: boolean; finding: number | null }[] }
      ).verdicts;
      expect(verdicts.map((v) => [v.found, v.finding])).toEqual([
        [true, 1],
        [false, null],
      ]);
    } finally {
      await database.close();
    }
  });

  it("compares two runs per case and overall", async () => {
    expect((await runEval([casesFile, "--name", "second", "--no-context"], SECOND)).status).toBe(0);
    // Comparing stored runs needs no model key.
    const { status, out } = await runEval(["--compare", "first", "second"], SECOND, {
      keyless: true,
    });
    expect(status, out.stderr).toBe(0);
    expect(out.stdout).toContain(
      "Pagination: precision 0.500 → 1.000 (+0.500)   recall 0.500 → 1.000 (+0.500)   F1 0.500 → 1.000 (+0.500)",
    );
    expect(out.stdout).toContain(
      "Retries: precision 0.333 → 0.333 (+0.000)   recall 1.000 → 1.000 (+0.000)   F1 0.500 → 0.500 (+0.000)",
    );
    expect(out.stdout).toContain(
      "overall: precision 0.400 → 0.600 (+0.200)   recall 0.400 → 0.600 (+0.200)   F1 0.400 → 0.600 (+0.200)",
    );
    const missing = await runEval(["--compare", "first", "nope"], SECOND);
    expect(missing.status).toBe(1);
    expect(missing.out.stderr).toContain("--compare: no eval run nope");
  });
});

describe("revue eval's judge", () => {
  it("asks REVUE_JUDGE_MODEL, prices it, and names it in the report", async () => {
    nock.disableNetConnect();
    // The models built from configuration, over the Messages API: the review, then the judge.
    const anthropic = new FakeAnthropic([
      {
        review: {
          summary: { walkthrough: "", files: [], risk: "low", riskReason: "" },
          findings: REVIEWS["retry.ts"]!,
        },
        usage: { cache_read_input_tokens: 0 },
      },
      // A `text` reply bills the default usage, with 1,500 cache-read tokens.
      { text: JSON.stringify({ reasoning: "finding 2 says it", found: true, finding: 2 }) },
    ]);
    anthropic.install();
    const out = { stdout: "", stderr: "" };
    try {
      const status = await runEvalCommand([oneCaseFile, "--no-context"], {
        cwd: path.dirname(oneCaseFile),
        env: {
          ANTHROPIC_API_KEY: "sk-test",
          ANTHROPIC_BASE_URL: ANTHROPIC_TEST_URL,
          REVUE_MODEL_MAX_RETRIES: "0",
          REVUE_JUDGE_MODEL: "claude-haiku-4-5",
          REVUE_DATA_DIR: dataDir,
        },
        stdout: (text) => (out.stdout += text),
        stderr: (text) => (out.stderr += text),
      });
      expect(status, out.stderr).toBe(0);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
    expect(anthropic.requests.map((r) => r.model)).toEqual([DEFAULT_MODEL, "claude-haiku-4-5"]);
    expect(out.stdout).toContain(`review model ${DEFAULT_MODEL} · judge model claude-haiku-4-5`);
    const row = out.stdout.split("\n").find((l) => l.startsWith("Retries"))!;
    expect(row.split(/\s+/).slice(-6)).toEqual(["1", "3", "1", "0.333", "1.000", "0.500"]);
    // The review: 1,000 input and 200 output tokens at Sonnet's $3/$15 per million ($0.006). The
    // judge: those and 1,500 cache-read tokens at Haiku's $1/$5 ($0.00215); at Sonnet's price it
    // would be $0.00645.
    expect(out.stdout).toContain("tokens: review 1200, judge 2700 · cost $0.0082");
  });
});
