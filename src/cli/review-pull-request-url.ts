import { codeIndexDatabase } from "../code-index/code-index-tables.ts";
import { createCodeContextProvider } from "../context/create-code-context-provider.ts";
import type { Octokit } from "../github/github-types.ts";
import { getPullRequest } from "../github/get-pull-request.ts";
import { indexRepositoryArchive } from "../indexing/index-repository.ts";
import { readTarball } from "../indexing/read-tarball.ts";
import { loadRepoConfig } from "../repo-config/load-repo-config.ts";
import { fetchPullRequestFiles } from "../review/fetch-changed-files.ts";
import { emptyContext } from "../review/review-extensions.ts";
import { CliError } from "./cli-error.ts";
import { LOCAL_SCOPE } from "./index-working-tree.ts";
import { openScratchDatabase } from "./open-scratch-database.ts";
import { reviewChanges, type LocalReview } from "./review-changes.ts";
import type { CommandDependencies } from "./review-local-branch.ts";
import { loadGuidelines } from "../repo-config/load-guidelines.ts";

export type PullRequestRef = { owner: string; repo: string; pullNumber: number };

/**
 * Reads `https://github.com/OWNER/REPO/pull/N` (any host, for GitHub Enterprise; a trailing
 * `/files` or `#…` is fine). Throws CliError naming the expected form.
 */
export function parsePullRequestUrl(url: string): PullRequestRef {
  const match = /^https?:\/\/[^/]+\/([^/]+)\/([^/]+)\/pull\/(\d+)(?:[/?#].*)?$/.exec(url.trim());
  if (!match) {
    throw new CliError(
      `--pr ${url}: not a pull request URL. Give it as https://github.com/OWNER/REPO/pull/NUMBER.`,
    );
  }
  return { owner: match[1]!, repo: match[2]!, pullNumber: Number(match[3]) };
}

/**
 * Reviews a pull request on GitHub as the App would (its files through the files API,
 * `.github/revue.yml` from its base, context from an index of its head's archive built in an
 * in-memory database, skipped with `context: false`), with an Octokit authenticated by a personal
 * token. Posts nothing. Throws GitHub's and the model's errors.
 */
export async function reviewPullRequestUrl(
  deps: CommandDependencies & { octokit: Octokit },
  target: PullRequestRef,
  options: { context: boolean },
): Promise<LocalReview> {
  const { octokit } = deps;
  const repo = { owner: target.owner, repo: target.repo };
  const pr = await getPullRequest(octokit, target);
  const [files, repoConfig] = await Promise.all([
    fetchPullRequestFiles(octokit, target),
    loadRepoConfig(octokit, repo, pr.base.sha),
  ]);
  for (const problem of repoConfig.problems) deps.log.warn(problem);
  const database = options.context ? await openScratchDatabase() : null;
  try {
    if (database) {
      const response = await octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
        ...repo,
        ref: pr.head.sha,
        request: { parseSuccessResponseBody: false },
      });
      const body = response.data as unknown as ReadableStream<Uint8Array> | Buffer;
      await indexRepositoryArchive(
        { db: codeIndexDatabase(database.db), embedder: deps.embedder, log: deps.log },
        LOCAL_SCOPE,
        readTarball(body),
        {
          ignore: repoConfig.config.ignore,
          maxFileBytes: deps.config.index.maxFileBytes,
          commitSha: pr.head.sha,
        },
      );
    }
    return await reviewChanges(
      {
        config: deps.config,
        model: deps.model,
        context: database
          ? createCodeContextProvider({ db: database.db, embedder: deps.embedder })
          : emptyContext,
        log: deps.log,
      },
      {
        facts: {
          ...repo,
          number: target.pullNumber,
          title: pr.title,
          body: pr.body ?? null,
          author: pr.user?.login ?? "unknown",
          baseRef: pr.base.ref,
          headRef: pr.head.ref,
          mode: "full",
          fromSha: pr.base.sha,
          headSha: pr.head.sha,
        },
        files,
        repoConfig: repoConfig.config,
        guidelines: await loadGuidelines(
          octokit,
          repo,
          pr.base.sha,
          files.map((file) => file.filename),
          repoConfig.config.guidelines_max_tokens,
        ),
        scope: LOCAL_SCOPE,
      },
    );
  } finally {
    await database?.close();
  }
}
