import type { Database } from "../../db/open-database.ts";
import type { DashboardScope } from "../data/dashboard-types.ts";

export type { DashboardScope };

export type GitHubUserApi = {
  /** `https://api.github.com` or the Enterprise API. */
  apiBaseUrl: string;
  fetch: typeof fetch;
};

/** GitHub answered 401: the token was revoked or expired; the person must sign in again. */
export class UserTokenRejectedError extends Error {
  override name = "UserTokenRejectedError";
}

/** The person the token belongs to (GET /user). Throws as readUserScope. */
export async function readGitHubUser(
  api: GitHubUserApi,
  token: string,
): Promise<{ id: number; login: string }> {
  const response = await get(api, token, "/user");
  const user = (await response.json()) as { id: number; login: string };
  return { id: user.id, login: user.login };
}

/**
 * What this person may see now, as GitHub says: the installations of this App they can reach
 * (GET /user/installations) and, in each, the repositories (GET /user/installations/{id}/repositories),
 * every page, intersected with the installations and repositories Revue knows. Asked on every
 * request, never cached, so an access removed on GitHub is gone at the next click.
 * Throws UserTokenRejectedError on 401, Error on any other failure (the caller answers 502).
 */
export async function readUserScope(
  db: Database,
  api: GitHubUserApi,
  token: string,
): Promise<DashboardScope> {
  const granted = await listAll<{ id: number }>(api, token, "/user/installations", "installations");
  const known = await db
    .selectFrom("installations")
    .select("id")
    .where("suspended_at", "is", null)
    .where("id", "in", granted.length > 0 ? granted.map((installation) => installation.id) : [-1])
    .execute();
  const installationIds = known.map((row) => row.id);
  const repositoryIds: number[] = [];
  for (const installationId of installationIds) {
    const repositories = await listAll<{ id: number }>(
      api,
      token,
      `/user/installations/${installationId}/repositories`,
      "repositories",
    );
    repositoryIds.push(...repositories.map((repository) => repository.id));
  }
  return { installationIds, repositoryIds };
}

const PER_PAGE = 100;

/** Every item of a paginated list answer (`{ total_count, <key>: [...] }`), following `Link: next`. */
async function listAll<T>(
  api: GitHubUserApi,
  token: string,
  path: string,
  key: string,
): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = `${api.apiBaseUrl}${path}?per_page=${PER_PAGE}`;
  for (let page = 0; next && page < 100; page++) {
    const response = await get(api, token, next);
    const body = (await response.json()) as Record<string, T[]>;
    items.push(...(body[key] ?? []));
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
    // The token goes only to GitHub's API: a next link elsewhere is not followed.
    if (next && new URL(next).origin !== new URL(api.apiBaseUrl).origin) {
      throw new Error(`GitHub's next page link points outside ${api.apiBaseUrl}: ${next}`);
    }
  }
  return items;
}

async function get(api: GitHubUserApi, token: string, pathOrUrl: string): Promise<Response> {
  const url = pathOrUrl.startsWith("/") ? `${api.apiBaseUrl}${pathOrUrl}` : pathOrUrl;
  const response = await api.fetch(url, {
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "user-agent": "revue-dashboard",
      "x-github-api-version": "2022-11-28",
    },
  });
  if (response.status === 401) {
    throw new UserTokenRejectedError("GitHub no longer accepts this user's token");
  }
  if (!response.ok) {
    throw new Error(`GitHub answered ${response.status} to GET ${new URL(url).pathname}`);
  }
  return response;
}
