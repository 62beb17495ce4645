import path from "node:path";
import { splitGitDiff, type GitDiffFile } from "../diff/split-git-diff.ts";
import { CliError } from "./cli-error.ts";
import { GitFailedError, runGit } from "./run-git.ts";

/** The branch to review, as a pull request would show it. */
export type LocalChanges = {
  /** The working tree's top folder. */
  root: string;
  /** The base as given (`main`, `HEAD~1`) or found (`origin/main`). */
  baseRef: string;
  /** The merge base of the base and HEAD: what the diff starts from, as on a pull request. */
  baseSha: string;
  headSha: string;
  /** The current branch's name, or the short head commit when detached. */
  headRef: string;
  /** The subject of the newest commit, standing in for a pull request's title. */
  title: string;
  /** The commit messages since the merge base, standing in for its description. */
  body: string;
  files: GitDiffFile[];
  /** `.github/revue.yml` at the merge base, or null when there is none. */
  repoConfigText: string | null;
};

/** Tried in order when no `--base` is given; the first that exists is the base. */
const DEFAULT_BASES = ["upstream/main", "origin/main", "main", "origin/master", "master"];

/**
 * Reads what the current branch of the git working tree at `cwd` changes since its merge base with
 * `base` (committed changes only, as a pull request shows them), or what `head` changes. Without `base`, the first of
 * upstream/main, origin/main, main, origin/master, master that exists.
 * Throws CliError for a folder outside a git repository, a base that does not exist, or a missing
 * git (runGit).
 */
export async function readLocalChanges(options: {
  cwd: string;
  base: string | undefined;
  /** The branch or commit to review; the checked-out one (HEAD) when absent. */
  head?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<LocalChanges> {
  const git = (args: string[], cwd = options.cwd) => runGit(args, { cwd, env: options.env });
  let root: string;
  try {
    root = (await git(["rev-parse", "--show-toplevel"])).trim();
  } catch (error) {
    if (!(error instanceof GitFailedError)) throw error;
    throw new CliError(
      `${path.resolve(options.cwd)} is not in a git repository (git: ${error.gitMessage}). ` +
        "Run `revue review` inside the working tree of the branch to review.",
      { cause: error },
    );
  }
  const inRoot = (args: string[]) => git(args, root);
  const commitOf = async (ref: string) => {
    try {
      return (await inRoot(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
    } catch (error) {
      if (error instanceof GitFailedError) return null;
      throw error;
    }
  };

  const head = options.head ?? "HEAD";
  const headSha = await commitOf(head);
  if (headSha === null) {
    throw new CliError(
      options.head === undefined
        ? `${root} has no commits yet: commit the changes to review, then run again.`
        : `head ${options.head}: no such branch, tag or commit in ${root}.`,
    );
  }
  let baseRef = options.base;
  if (baseRef === undefined) {
    for (const candidate of DEFAULT_BASES) {
      if ((await commitOf(candidate)) !== null) {
        baseRef = candidate;
        break;
      }
    }
    if (baseRef === undefined) {
      throw new CliError(
        `No base branch found (tried ${DEFAULT_BASES.join(", ")}): pass the branch or commit to compare with, e.g. --base develop.`,
      );
    }
  }
  const baseCommit = await commitOf(baseRef);
  if (baseCommit === null) {
    throw new CliError(
      `--base ${baseRef}: no such branch, tag or commit in ${root}. Check the name (\`git branch -a\`), or fetch it first (\`git fetch origin ${baseRef}\`).`,
    );
  }
  let baseSha: string;
  try {
    baseSha = (await inRoot(["merge-base", baseCommit, headSha])).trim();
  } catch (error) {
    if (!(error instanceof GitFailedError)) throw error;
    throw new CliError(
      `--base ${baseRef} shares no history with HEAD: pass a base this branch was made from.`,
      { cause: error },
    );
  }

  const [diff, branch, title, body, repoConfigText] = await Promise.all([
    inRoot(["diff", "--no-color", "--no-ext-diff", "-M", baseSha, headSha]),
    inRoot(["rev-parse", "--abbrev-ref", head]),
    inRoot(["log", "-1", "--format=%s", headSha]),
    inRoot(["log", "--format=%B", `${baseSha}..${headSha}`]),
    inRoot(["show", `${baseSha}:.github/revue.yml`]).catch((error: unknown) => {
      if (error instanceof GitFailedError) return null;
      throw error;
    }),
  ]);
  return {
    root,
    baseRef,
    baseSha,
    headSha,
    headRef:
      branch.trim() === "HEAD" || branch.trim() === "" ? headSha.slice(0, 12) : branch.trim(),
    title: title.trim(),
    body: body.trim(),
    files: splitGitDiff(diff),
    repoConfigText,
  };
}
