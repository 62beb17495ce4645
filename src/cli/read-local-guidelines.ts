import { findGuidelineFiles } from "../repo-config/find-guideline-files.ts";
import {
  NO_GUIDELINES,
  selectGuidelines,
  type Guidelines,
} from "../repo-config/select-guidelines.ts";
import { runGit } from "./run-git.ts";

/** As the App reads them (load-guidelines.ts): a larger file's first part is used. */
const MAX_FILE_CHARACTERS = 256 * 1024;

/**
 * The guideline files (AGENTS.md, CLAUDE.md, ...) of the local repository at `baseSha`, the commit
 * the branch is reviewed against, never the working tree or the branch: the same rule as the App,
 * which reads them at a pull request's base. Those that apply to `changedPaths`, within
 * `maxTokens` (selectGuidelines). Throws git's errors (GitFailedError) or CliError without git.
 */
export async function readLocalGuidelines(
  root: string,
  baseSha: string,
  changedPaths: readonly string[],
  maxTokens: number,
): Promise<Guidelines> {
  if (maxTokens <= 0) return NO_GUIDELINES;
  const tree = await runGit(["ls-tree", "-r", "--name-only", "-z", baseSha], { cwd: root });
  const candidates = findGuidelineFiles(tree.split("\0").filter(Boolean), changedPaths);
  const read = await Promise.all(
    candidates.map(async (candidate) => ({
      ...candidate,
      text: (await runGit(["show", `${baseSha}:${candidate.path}`], { cwd: root })).slice(
        0,
        MAX_FILE_CHARACTERS,
      ),
    })),
  );
  return selectGuidelines(read, changedPaths, maxTokens);
}
