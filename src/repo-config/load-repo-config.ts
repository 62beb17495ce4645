import type { ProbotOctokit } from "probot";
import { parseRepoConfig, type RepoConfigResult } from "./repo-config.ts";

type Octokit = InstanceType<typeof ProbotOctokit>;

export const REPO_CONFIG_PATH = ".github/revue.yml";

/**
 * Reads `.github/revue.yml` at `ref` (always the base branch's commit, never the PR head: a PR must
 * not be able to change how it is reviewed). A missing file means defaults.
 */
export async function loadRepoConfig(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  ref: string,
): Promise<RepoConfigResult> {
  try {
    const response = await octokit.rest.repos.getContent({ ...repo, path: REPO_CONFIG_PATH, ref });
    const data = response.data as { type?: string; content?: string; encoding?: string };
    if (data.type !== "file" || typeof data.content !== "string") {
      return { ...parseRepoConfig(null), problems: [`${REPO_CONFIG_PATH} is not a file`] };
    }
    return parseRepoConfig(Buffer.from(data.content, "base64").toString("utf8"));
  } catch (error) {
    if ((error as { status?: number }).status === 404) return parseRepoConfig(null);
    throw error;
  }
}
