import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

export type GitRepository = {
  root: string;
  git(...args: string[]): string;
  /** Writes the files (path -> text) and commits them with `message`. */
  commit(files: Record<string, string>, message: string): string;
};

/** A new git repository in a temporary folder, on branch `main`, with no commits yet. */
export function makeGitRepository(): GitRepository {
  const root = mkdtempSync(path.join(tmpdir(), "revue-cli-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, env: GIT_ENV, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  return {
    root,
    git,
    commit(files, message) {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
        git("add", file);
      }
      git("commit", "-q", "-m", message);
      return git("rev-parse", "HEAD");
    },
  };
}
