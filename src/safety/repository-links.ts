/**
 * The one place outgoing text may link to: the repository's own pages on its GitHub host
 * (`https://github.com/<owner>/<repo>...`, or the GitHub Enterprise host Revue talks to).
 */
export type RepositoryLinks = { origin: string; owner: string; repo: string };

/**
 * The repository's links for the GitHub API Revue uses: `https://api.github.com` means
 * github.com; any other API base (`https://ghe.example.com/api/v3`) means its own origin. Throws
 * a TypeError for an API base that is not a URL (Revue's config has validated it before).
 */
export function repositoryLinks(
  apiBaseUrl: string,
  repository: { owner: string; repo: string },
): RepositoryLinks {
  const api = new URL(apiBaseUrl);
  const origin = api.hostname === "api.github.com" ? "https://github.com" : api.origin;
  return { origin, owner: repository.owner, repo: repository.repo };
}
