import { statusOf, type Octokit, type RepoRef } from "./github-types.ts";

/** The repository roles that may change what Revue does: ask for reviews, teach repository-wide. */
const WRITE_ROLES: ReadonlySet<string> = new Set(["admin", "maintain", "write"]);

/**
 * Whether `login` has write access to the repository (write, maintain or admin), from GitHub's
 * collaborator permission endpoint. Triage, read and none are refused, and so is a 404 (a login
 * GitHub does not know as a collaborator). `role_name` names the fine-grained role (`maintain`,
 * `triage`, or a custom role); `permission` is its legacy mapping onto admin/write/read/none
 * (maintain reads as write, triage as read), which is what lets a custom role built on write in.
 * Throws any other error (a 5xx, a 401), so a caller never mistakes an outage for "no access".
 */
export async function hasWriteAccess(
  octokit: Octokit,
  target: RepoRef & { login: string },
): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: target.owner,
      repo: target.repo,
      username: target.login,
    });
    // Older GitHub Enterprise Server versions answer without role_name.
    return WRITE_ROLES.has(data.permission) || WRITE_ROLES.has(data.role_name ?? "");
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}
