import { statusOf, type Octokit, type RepoRef } from "./github-types.ts";

type Comparison = Awaited<
  ReturnType<Octokit["rest"]["repos"]["compareCommitsWithBasehead"]>
>["data"];

export type CommitComparison = {
  /**
   * `ahead`: `to` descends from `from`, so `files` is what changed since; `identical`; `behind` or
   * `diverged`: history was rewritten (a force-push) and `files` starts elsewhere.
   */
  status: Comparison["status"];
  /** The changed files with their patches; the compare API lists at most 300. */
  files: NonNullable<Comparison["files"]>;
};

/**
 * Compares two commits (`from...to`). Null when GitHub does not know one of them (404: a commit a
 * force-push left unreachable was collected). Throws GitHub's other errors.
 */
export async function compareCommits(
  octokit: Octokit,
  repo: RepoRef,
  from: string,
  to: string,
): Promise<CommitComparison | null> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: repo.owner,
      repo: repo.repo,
      basehead: `${from}...${to}`,
      per_page: 100,
    });
    return { status: data.status, files: data.files ?? [] };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
