import type { Octokit, RepoRef } from "./github-types.ts";

export type IssueComment = Awaited<
  ReturnType<Octokit["rest"]["issues"]["listComments"]>
>["data"][number];

/**
 * Every comment in a pull request's (or issue's) conversation, oldest first, 100 a page: where
 * Revue looks for its own earlier comments by their hidden markers. Throws GitHub's errors.
 */
export async function listIssueComments(
  octokit: Octokit,
  target: RepoRef & { issueNumber: number },
): Promise<IssueComment[]> {
  return octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
}
