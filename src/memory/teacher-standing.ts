import { getPullRequest } from "../github/get-pull-request.ts";
import type { Octokit, RepoRef } from "../github/github-types.ts";
import { hasWriteAccess } from "../github/has-write-access.ts";

/**
 * How far a person's reply or 👍/👎 on one pull request may teach Revue:
 * - `writer` (write, maintain or admin on the repository): repository-wide;
 * - `pull-author` (opened this pull request, without write access): their own pull requests for a
 *   memory, this pull request for a rebuttal or a vote, never the rest of the repository;
 * - `outsider` (anyone else): nothing; Revue does not even read what they wrote.
 */
export type TeacherStanding = "writer" | "pull-author" | "outsider";

/**
 * Returns a lookup of a login's standing on one pull request, cached for as long as the caller
 * keeps it (one job): each distinct login costs one permission call, and the pull request's
 * author is read once, only when someone without write access needs it (unless the caller
 * already knows it). GitHub's answer is the authority, never a webhook's `author_association`,
 * which shows privately listed organization members as contributors. Throws GitHub's errors
 * (a 5xx, a 401), so an outage is retried, never read as "outsider".
 */
export function createTeacherStanding(
  octokit: Octokit,
  target: RepoRef & { pullNumber: number; pullAuthor?: string },
): (login: string) => Promise<TeacherStanding> {
  const standings = new Map<string, Promise<TeacherStanding>>();
  let pullAuthor: Promise<string> | null = null;
  const readPullAuthor = () => {
    pullAuthor ??= target.pullAuthor
      ? Promise.resolve(target.pullAuthor)
      : getPullRequest(octokit, target).then((pr) => pr.user.login);
    return pullAuthor;
  };
  const decide = async (login: string): Promise<TeacherStanding> => {
    if (await hasWriteAccess(octokit, { owner: target.owner, repo: target.repo, login })) {
      return "writer";
    }
    const author = await readPullAuthor();
    // Logins are case-insensitive on GitHub.
    return author.toLowerCase() === login.toLowerCase() ? "pull-author" : "outsider";
  };
  return (login) => {
    const key = login.toLowerCase();
    let standing = standings.get(key);
    if (!standing) {
      standing = decide(login);
      standings.set(key, standing);
    }
    return standing;
  };
}
