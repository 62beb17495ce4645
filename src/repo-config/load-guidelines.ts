import { statusOf, type Octokit, type RepoRef } from "../github/github-types.ts";
import { readRepositoryFile } from "../github/read-repository-file.ts";
import { findGuidelineFiles } from "./find-guideline-files.ts";
import { NO_GUIDELINES, selectGuidelines, type Guidelines } from "./select-guidelines.ts";

/** A guideline file larger than this is not one a reviewer reads whole: its first part is used. */
const MAX_FILE_BYTES = 256 * 1024;

/**
 * The repository's guideline files at `baseSha` (always the base commit, never the pull request's
 * head: a pull request must not write the rules it is reviewed by), those that apply to a change
 * touching `changedPaths`, within `maxTokens` (see selectGuidelines). One git trees call lists what
 * exists, then only the candidates are read. A repository GitHub has no tree for (empty: 404 or
 * 409) has none. Throws GitHub's other errors (worth a retry).
 */
export async function loadGuidelines(
  octokit: Octokit,
  repo: RepoRef,
  baseSha: string,
  changedPaths: readonly string[],
  maxTokens: number,
): Promise<Guidelines> {
  if (maxTokens <= 0) return NO_GUIDELINES;
  let treePaths: string[];
  try {
    const { data } = await octokit.rest.git.getTree({
      ...repo,
      tree_sha: baseSha,
      recursive: "true",
    });
    // GitHub cuts a tree of over 100,000 entries (`truncated`): guideline files past the cut are
    // then not seen. Listing folder by folder instead would cost a call per folder on every review.
    treePaths = data.tree.filter((entry) => entry.type === "blob").map((entry) => entry.path!);
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 409) return { ...NO_GUIDELINES, maxTokens };
    throw error;
  }
  const candidates = findGuidelineFiles(treePaths, changedPaths);
  const read = await Promise.all(
    candidates.map(async (candidate) => {
      const file = await readRepositoryFile(octokit, repo, candidate.path, baseSha);
      const text = file ? file.bytes.subarray(0, MAX_FILE_BYTES).toString("utf8") : "";
      return { ...candidate, text };
    }),
  );
  return selectGuidelines(read, changedPaths, maxTokens);
}
