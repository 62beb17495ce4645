import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { ProbotOctokit } from "probot";
import { createReviewModel } from "../review/review-model.ts";
import {
  authenticateAsInstallation,
  type InstallationClient,
} from "./authenticate-as-installation.ts";
import { CliError } from "./cli-error.ts";
import { postLocalReview } from "./post-local-review.ts";
import { prepareCommand, type CommandIo } from "./prepare-command.ts";
import { renderSarif } from "./render-sarif.ts";
import { renderTerminalReview } from "./render-terminal-review.ts";
import type { LocalReview } from "./review-changes.ts";
import { reviewLocalBranch } from "./review-local-branch.ts";
import { parsePullRequestUrl, reviewPullRequestUrl } from "./review-pull-request-url.ts";

export const REVIEW_USAGE = `usage: revue review [--base REF] [--sarif FILE] [--json] [--no-context] [--verbose]
       revue review --pr https://github.com/OWNER/REPO/pull/N [--post] [--sarif FILE] [--json] [--no-context] [--verbose]

Reviews the current branch of this git working tree against REF (default: its merge base with
upstream/main, origin/main or main), or a pull request on GitHub, and prints the findings.
Needs ANTHROPIC_API_KEY (or the model settings in README.md, "Models").
  --base REF     the branch, tag or commit to review against (local branch only)
  --pr URL       review this pull request, read with GITHUB_TOKEN (a personal access token)
  --post         with --pr: post the review on the pull request as Revue's GitHub App (event
                 COMMENT: inline comments and the summary comment), instead of only printing it.
                 Needs APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH), the App installed on the
                 repository; GITHUB_TOKEN is not used then
  --sarif FILE   also write the findings as SARIF 2.1.0
  --json         print the review as JSON instead of text
  --no-context   do not index the code for context (faster, worse)
  --verbose      log what Revue does on standard error
  --help         print this
`;

/** The version written into SARIF logs. */
const TOOL_VERSION = "0.1.0";

/**
 * `revue review`: reviews a local branch or a pull request and prints the result (text, or JSON
 * with --json), and writes SARIF with --sarif. Resolves with the exit status: 0 reviewed, 1 a
 * problem the person must fix (its message on standard error), 2 bad arguments.
 * `Octokit` is the class authenticated with GITHUB_TOKEN for --pr (tests give one without retries).
 */
export async function runReviewCommand(
  argv: string[],
  io: CommandIo & { Octokit?: typeof ProbotOctokit },
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        pr: { type: "string" },
        sarif: { type: "string" },
        json: { type: "boolean", default: false },
        post: { type: "boolean", default: false },
        "no-context": { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.stderr(`revue review: ${(error as Error).message}\n\n${REVIEW_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(REVIEW_USAGE);
    return 0;
  }
  if (args.post && args.pr === undefined) {
    io.stderr(
      `revue review: --post posts on a pull request: give it with --pr URL.\n\n${REVIEW_USAGE}`,
    );
    return 2;
  }
  if (args.pr !== undefined && args.base !== undefined) {
    io.stderr(`revue review: --base is for a local branch; a pull request has its own base.\n`);
    return 2;
  }
  try {
    const prepared = prepareCommand(io, { verbose: args.verbose });
    const deps = { ...prepared, model: createReviewModel(prepared.model) };
    let review: LocalReview;
    let installation: InstallationClient | null = null;
    if (args.pr !== undefined) {
      const target = parsePullRequestUrl(args.pr);
      const Octokit = io.Octokit ?? ProbotOctokit;
      let octokit: InstanceType<typeof ProbotOctokit>;
      if (args.post) {
        // Before the model is asked: missing credentials or a missing installation cost nothing.
        installation = await authenticateAsInstallation(
          prepared.config,
          target,
          prepared.log,
          Octokit,
        );
        octokit = installation.octokit;
      } else {
        const token = prepared.config.github.token;
        if (!token) {
          throw new CliError(
            "GITHUB_TOKEN is not set: --pr reads the pull request with a personal access token. Create one " +
              "(https://github.com/settings/tokens, read access to the repository's contents and pull requests) " +
              "and run again with GITHUB_TOKEN=… in the environment.",
          );
        }
        octokit = new Octokit({ auth: { token }, baseUrl: prepared.config.github.apiBaseUrl });
      }
      review = await reviewPullRequestUrl({ ...deps, octokit }, target, {
        context: !args["no-context"],
      });
    } else {
      review = await reviewLocalBranch(deps, {
        cwd: io.cwd,
        base: args.base,
        context: !args["no-context"],
        env: io.env,
      });
    }
    if (args.sarif !== undefined) {
      const file = path.resolve(io.cwd, args.sarif);
      await writeFile(file, `${JSON.stringify(renderSarif(review, TOOL_VERSION), null, 2)}\n`);
      io.stderr(`SARIF written to ${file}\n`);
    }
    if (installation) {
      const posted = await postLocalReview({ ...prepared, ...installation }, review);
      const { owner, repo, number } = review.facts;
      io.stderr(
        `Posted on ${owner}/${repo}#${number} as ${installation.slug}[bot]: ` +
          (posted.reviewId === null
            ? "no inline comments"
            : `a review with ${posted.inlineCount} inline comment(s)` +
              (posted.rejectedCount > 0 ? ` (${posted.rejectedCount} refused by GitHub)` : "")) +
          ", and the summary comment.\n",
      );
    }
    io.stdout(
      args.json ? `${JSON.stringify(toJson(review), null, 2)}\n` : renderTerminalReview(review),
    );
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`revue: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** The JSON form: the review as the App would post it, with what it cost. */
function toJson(review: LocalReview) {
  return {
    base: { ref: review.facts.baseRef, sha: review.facts.fromSha },
    head: { ref: review.facts.headRef, sha: review.facts.headSha },
    model: review.modelId,
    summary: review.summary,
    findings: review.findings,
    unanchored: review.unanchored,
    skipped: review.skipped,
    contextFiles: review.contextFiles,
    usage: review.usage,
    calls: review.calls,
    costUsd: review.costUsd,
  };
}
