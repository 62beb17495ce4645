import type { FileDiff } from "../../src/diff/format-diff.ts";
import type { ReviewScope } from "../../src/review/review-extensions.ts";
import { silentLogger } from "./silent-logger.ts";

/** A review of pull request 1 of `o/r` by `a` in `repository`, changing `files`; `more` overrides. */
export function reviewScope(
  repository: { installationId: number; repositoryId: number },
  files: FileDiff[],
  more: Partial<ReviewScope> = {},
): ReviewScope {
  return {
    ...repository,
    owner: "o",
    repo: "r",
    pullNumber: 1,
    author: "a",
    baseSha: "b",
    headSha: "h",
    files,
    log: silentLogger(),
    ...more,
  };
}
