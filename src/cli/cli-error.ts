/**
 * A problem the person at the terminal must fix (no git, not a repository, an unknown base, no
 * key); the command prints its message, which says what to do, and exits with status 1.
 */
export class CliError extends Error {
  override name = "CliError";
}
