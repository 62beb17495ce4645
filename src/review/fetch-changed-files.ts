import type { ChangedFile } from "./filter-files.ts";
import type { Octokit, RepoRef } from "../github/github-types.ts";
import { compareCommits } from "../github/compare-commits.ts";
import { listPullRequestFiles } from "../github/list-pull-request-files.ts";

/** GitHub lists at most 3,000 files for a pull request. */
export const GITHUB_FILES_LIMIT = 3000;

/**
 * Every changed file of the pull request with its patch, through the paginated files API (100 a
 * page, up to GitHub's 3,000), never the `.diff` media type that fails past 300 files.
 */
export async function fetchPullRequestFiles(
  octokit: Octokit,
  target: RepoRef & { pullNumber: number },
): Promise<ChangedFile[]> {
  const files = await listPullRequestFiles(octokit, target);
  return files.slice(0, GITHUB_FILES_LIMIT) as ChangedFile[];
}

export type IncrementalDiff =
  { kind: "incremental"; files: ChangedFile[] } | { kind: "fallback"; reason: string };

/**
 * The files changed between the last reviewed head and the current head. Falls back (to a review
 * from the base) when the last head is gone or no longer an ancestor (a force-push), or when the
 * comparison is too large for the compare API's 300 files.
 */
export async function fetchIncrementalFiles(
  octokit: Octokit,
  target: RepoRef,
  fromSha: string,
  headSha: string,
): Promise<IncrementalDiff> {
  const comparison = await compareCommits(octokit, target, fromSha, headSha);
  if (comparison === null) {
    return {
      kind: "fallback",
      reason: `the last reviewed commit ${fromSha.slice(0, 7)} no longer exists (force-push)`,
    };
  }
  if (comparison.status !== "ahead" && comparison.status !== "identical") {
    return {
      kind: "fallback",
      reason: `the last reviewed commit ${fromSha.slice(0, 7)} is no longer in the branch (force-push)`,
    };
  }
  const files = comparison.files as ChangedFile[];
  if (files.length >= 300)
    return { kind: "fallback", reason: "too many files changed since the last review" };
  return { kind: "incremental", files };
}
