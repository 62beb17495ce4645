import type { Octokit, RepoRef } from "./github-types.ts";

export type PullRequest = Awaited<ReturnType<Octokit["rest"]["pulls"]["get"]>>["data"];

/**
 * The pull request as GitHub has it now (its current head, state, draft flag, author).
 * Throws GitHub's errors: a 404 or 410 means it is gone, and what that means is the caller's call.
 */
export async function getPullRequest(
  octokit: Octokit,
  target: RepoRef & { pullNumber: number },
): Promise<PullRequest> {
  const { data } = await octokit.rest.pulls.get({
    owner: target.owner,
    repo: target.repo,
    pull_number: target.pullNumber,
  });
  return data;
}
