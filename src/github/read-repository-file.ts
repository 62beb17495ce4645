import { statusOf, type Octokit, type RepoRef } from "./github-types.ts";

/**
 * A regular file's bytes at `ref` through the contents API, and its size. Null when there is no
 * regular file at that path (missing, a folder, a symlink, a submodule). GitHub sends no content
 * for a file over 1 MB: `bytes` is then empty and `size` still tells how big it is.
 * Throws GitHub's errors other than 404.
 */
export async function readRepositoryFile(
  octokit: Octokit,
  repo: RepoRef,
  path: string,
  ref: string,
): Promise<{ bytes: Buffer; size: number } | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path,
      ref,
    });
    if (Array.isArray(data) || data.type !== "file") return null;
    const file = data as { content?: string; size: number; encoding?: string };
    const bytes =
      file.encoding === "base64" && file.content
        ? Buffer.from(file.content, "base64")
        : Buffer.alloc(0);
    return { bytes, size: file.size };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
