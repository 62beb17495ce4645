import type { Octokit, RepoRef } from "./github-types.ts";

export type PullRequestFile = Awaited<
  ReturnType<Octokit["rest"]["pulls"]["listFiles"]>
>["data"][number];

/**
 * Every changed file of a pull request with its patch, through the paginated files API (100 a
 * page; GitHub stops at 3,000 files), never the `.diff` media type that fails past 300 files.
 * A file whose patch is too large, or binary, comes without `patch`. Throws GitHub's errors.
 */
export async function listPullRequestFiles(
  octokit: Octokit,
  target: RepoRef & { pullNumber: number },
): Promise<PullRequestFile[]> {
  return octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: target.owner,
    repo: target.repo,
    pull_number: target.pullNumber,
    per_page: 100,
  });
}
