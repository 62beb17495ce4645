import type { Octokit, RepoRef } from "../github/github-types.ts";

export const CHECK_NAME = "Revue";

export type CheckOutcome =
  | { kind: "reviewed"; title: string; summary: string }
  | { kind: "skipped"; title: string; summary: string }
  | { kind: "failed"; title: string; summary: string };

/** Opens the "Revue" check run on `headSha`, in progress, saying what it is doing. Returns its id. */
export async function openCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  headSha: string,
  doing: string,
): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    status: "in_progress",
    started_at: new Date().toISOString(),
    output: { title: doing, summary: doing },
  });
  return data.id;
}

/** Says what the review is doing now, on the open check run. */
export async function progressCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  checkRunId: number,
  doing: string,
): Promise<void> {
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "in_progress",
    output: { title: doing, summary: doing },
  });
}

/**
 * Closes the check run. Reviewed is a success; skipped is neutral (never green when nothing was
 * reviewed); failed is a failure whose summary says what to do.
 */
export async function closeCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  checkRunId: number,
  outcome: CheckOutcome,
): Promise<void> {
  const conclusion = { reviewed: "success", skipped: "neutral", failed: "failure" } as const;
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: "completed",
    conclusion: conclusion[outcome.kind],
    completed_at: new Date().toISOString(),
    output: { title: outcome.title.slice(0, 250), summary: outcome.summary.slice(0, 65_000) },
  });
}
