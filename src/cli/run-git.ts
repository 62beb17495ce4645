import { execFile } from "node:child_process";
import { CliError } from "./cli-error.ts";

/** Enough for the diff of a large branch; a bigger one fails with git's own message. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs `git <args>` in `cwd` and resolves with its standard output. Throws CliError when git is
 * not on PATH (what to install), and GitFailedError with git's own message when it exits non-zero.
 */
export async function runGit(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return (await runGitBytes(args, options)).toString("utf8");
}

/** runGit for output that is not text (`git archive`). */
export function runGitBytes(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "core.quotePath=false", ...args],
      { cwd: options.cwd, env: options.env, maxBuffer: MAX_OUTPUT_BYTES, encoding: "buffer" },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(
            new CliError(
              "Revue's CLI needs git on PATH: install git (https://git-scm.com/downloads, or your " +
                "system's package manager), check that `git --version` works in this shell, and run the command again.",
              { cause: error },
            ),
          );
        }
        const message = stderr.toString("utf8").trim() || error.message;
        reject(new GitFailedError(args, message, { cause: error }));
      },
    );
  });
}

/** git ran and exited non-zero; `gitMessage` is what git wrote on standard error. */
export class GitFailedError extends Error {
  override name = "GitFailedError";
  readonly gitMessage: string;
  constructor(args: string[], gitMessage: string, options?: ErrorOptions) {
    super(`git ${args.join(" ")} failed: ${gitMessage}`, options);
    this.gitMessage = gitMessage;
  }
}
