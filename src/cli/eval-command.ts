import { parseArgs } from "node:util";
import { ProbotOctokit } from "probot";
import { migrateToLatest } from "../db/migrate.ts";
import { openDatabase, type DatabaseHandle } from "../db/open-database.ts";
import { costOf } from "../model/cost-of.ts";
import type { ModelUsage } from "../model/structured-model.ts";
import { createReviewModel } from "../review/review-model.ts";
import { CliError } from "./cli-error.ts";
import { findEvalRun, insertEvalRun, type CaseResult } from "./eval-store.ts";
import { judgeGoldenComments } from "./judge-golden-comments.ts";
import {
  prepareCommand,
  readCommandConfig,
  type CommandIo,
  type PreparedCommand,
} from "./prepare-command.ts";
import { readEvalCases, type EvalCase } from "./read-eval-cases.ts";
import { renderEvalComparison, renderEvalReport } from "./render-eval-report.ts";
import type { LocalReview } from "./review-changes.ts";
import { reviewLocalBranch } from "./review-local-branch.ts";
import { parsePullRequestUrl, reviewPullRequestUrl } from "./review-pull-request-url.ts";
import { scoreCounts, scoreRun } from "./score-eval-case.ts";

export const EVAL_USAGE = `usage: revue eval CASES [--name NAME] [--no-context] [--verbose]
       revue eval --compare A B

Reviews every case in CASES (a JSON file or a folder of them, in the golden-comment format of
Martian's Code Review Benchmark) without posting, asks a judge model (REVUE_JUDGE_MODEL, by
default the review model) whether each golden comment was found, and prints precision, recall and
F1 per case and overall, with the models used, tokens and cost. The run is stored (DATABASE_URL,
else .revue-data/) under a number, and NAME if given.
  --name NAME     store the run under NAME too, for --compare
  --no-context    do not index the code for context (faster, worse)
  --compare A B   compare two stored runs (numbers or names): per case and overall, B minus A
  --verbose       log what Revue does on standard error
  --help          print this
Needs ANTHROPIC_API_KEY (or the model settings in README.md, "Models"); cases given as pull
request URLs need GITHUB_TOKEN too.
`;

/**
 * `revue eval`: runs and scores the cases, stores the run and prints its report; or, with
 * --compare, prints the differences between two stored runs. Resolves with the exit status:
 * 0 done, 1 a problem the person must fix (its message on standard error), 2 bad arguments.
 * A case whose review or judging fails is reported and left out of the scores; the run goes on.
 */
export async function runEvalCommand(
  argv: string[],
  io: CommandIo & { Octokit?: typeof ProbotOctokit },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        name: { type: "string" },
        compare: { type: "boolean", default: false },
        "no-context": { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      allowPositionals: true,
    });
  } catch (error) {
    io.stderr(`revue eval: ${(error as Error).message}\n\n${EVAL_USAGE}`);
    return 2;
  }
  const { values: args, positionals } = parsed;
  if (args.help) {
    io.stdout(EVAL_USAGE);
    return 0;
  }
  if (args.compare ? positionals.length !== 2 : positionals.length !== 1) {
    io.stderr(
      `revue eval: ${args.compare ? "--compare takes two runs" : "give one cases file or folder"}\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  let database: DatabaseHandle | undefined;
  try {
    // Comparing stored runs needs no model: no key is asked for.
    const { config, log } = readCommandConfig(io, { verbose: args.verbose });
    database = await openDatabase(config.database, { log });
    const { error } = await migrateToLatest(database.db, database.schema);
    if (error) throw new Error("migrating the results database failed", { cause: error });

    if (args.compare) {
      const [a, b] = await Promise.all(positionals.map((ref) => findEvalRun(database!.db, ref)));
      for (const [ref, run] of [
        [positionals[0], a],
        [positionals[1], b],
      ] as const) {
        if (!run)
          throw new CliError(
            `--compare: no eval run ${ref}. Runs are numbered as \`revue eval\` printed them, or named with --name.`,
          );
      }
      io.stdout(renderEvalComparison(a!, b!));
      return 0;
    }

    const prepared = prepareCommand(io, { verbose: args.verbose });
    const cases = await readEvalCases(positionals[0]!);
    const review = reviewerFor(prepared, io, cases, !args["no-context"]);
    const startedAt = new Date();
    const results: CaseResult[] = [];
    for (const evalCase of cases) {
      io.stderr(`reviewing ${evalCase.key}\n`);
      results.push(await runCase(prepared, evalCase, review));
    }
    const scored = results.filter((c) => c.error === null);
    const run = {
      ...scoreRun(scored),
      name: args.name ?? null,
      casesSource: positionals[0]!,
      reviewModel: prepared.model.id,
      judgeModel: prepared.judge.id,
      reviewTokens: results.reduce((sum, c) => sum + c.reviewTokens, 0),
      judgeTokens: results.reduce((sum, c) => sum + c.judgeTokens, 0),
      costUsd: results.reduce((sum, c) => sum + c.costUsd, 0),
      startedAt,
    };
    const id = await insertEvalRun(database.db, run, results);
    io.stdout(renderEvalReport(id, run, results));
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`revue: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await database?.close();
  }
}

type Reviewer = (evalCase: EvalCase) => Promise<LocalReview>;

/** Reviews a case with the pipeline of `revue review`; checks at once that a token is there if any case needs one. */
function reviewerFor(
  prepared: PreparedCommand,
  io: CommandIo & { Octokit?: typeof ProbotOctokit },
  cases: EvalCase[],
  context: boolean,
): Reviewer {
  const deps = { ...prepared, model: createReviewModel(prepared.model) };
  const token = prepared.config.github.token;
  if (!token && cases.some((c) => c.source.kind === "pull-request")) {
    throw new CliError(
      "GITHUB_TOKEN is not set: cases given as pull request URLs are read from GitHub with a personal access token " +
        "(https://github.com/settings/tokens; public repositories need no scope). Set it and run again.",
    );
  }
  const Octokit = io.Octokit ?? ProbotOctokit;
  const octokit = token
    ? new Octokit({ auth: { token }, baseUrl: prepared.config.github.apiBaseUrl })
    : null;
  return (evalCase) =>
    evalCase.source.kind === "local"
      ? reviewLocalBranch(deps, {
          cwd: evalCase.source.repository,
          base: evalCase.source.base,
          head: evalCase.source.head,
          context,
        })
      : reviewPullRequestUrl(
          { ...deps, octokit: octokit! },
          parsePullRequestUrl(evalCase.source.url),
          { context },
        );
}

/** One case reviewed, judged and scored; a failure becomes the case's `error`. */
async function runCase(
  prepared: PreparedCommand,
  evalCase: EvalCase,
  review: Reviewer,
): Promise<CaseResult> {
  const tokens = (u: ModelUsage) =>
    u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  let reviewed: LocalReview | undefined;
  try {
    reviewed = await review(evalCase);
    const findings = [...reviewed.findings, ...reviewed.unanchored].map(
      (f) => `${f.path}:${f.line} [${f.severity}, ${f.category}] ${f.title}\n${f.explanation}`,
    );
    const judged = await judgeGoldenComments(prepared.judge, evalCase.golden, findings);
    return {
      key: evalCase.key,
      title: evalCase.title,
      ...scoreCounts({
        truePositives: judged.verdicts.filter((v) => v.found).length,
        candidates: findings.length,
        golden: evalCase.golden.length,
      }),
      reviewTokens: tokens(reviewed.usage),
      judgeTokens: tokens(judged.usage),
      costUsd: reviewed.costUsd + costOf(judged.usage, prepared.config, prepared.judge.id),
      details: { verdicts: judged.verdicts, findings },
      error: null,
    };
  } catch (error) {
    prepared.log.error({ err: error, case: evalCase.key }, "eval case failed");
    return {
      key: evalCase.key,
      title: evalCase.title,
      ...scoreCounts({ truePositives: 0, candidates: 0, golden: evalCase.golden.length }),
      reviewTokens: reviewed ? tokens(reviewed.usage) : 0,
      judgeTokens: 0,
      costUsd: reviewed?.costUsd ?? 0,
      details: {},
      error: (error as Error).message,
    };
  }
}
