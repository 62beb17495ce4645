import type { Octokit, RepoRef } from "../github/github-types.ts";

export const CHECK_NAME = "Revue";

export type CheckOutcome =
  | { kind: "reviewed"; title: string; summary: string }
  | { kind: "skipped"; title: string; summary: string }
  | { kind: "failed"; title: string; summary: string };

/**
 * Opens the "Revue" check run on `headSha`, in progress, saying what it is doing, marked with
 * `externalId` (the job's). Returns its id. When this head already has a check run with that
 * external id (an attempt of the same job opened it and died before storing its id), that one is
 * taken up again instead of opening a second, which would stay in progress forever.
 */
export async function openCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  headSha: string,
  doing: string,
  externalId: string,
): Promise<number> {
  const opened = await findCheckRun(octokit, repo, headSha, externalId);
  if (opened !== null) {
    await progressCheckRun(octokit, repo, opened, doing);
    return opened;
  }
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    external_id: externalId,
    status: "in_progress",
    started_at: new Date().toISOString(),
    output: { title: doing, summary: doing },
  });
  return data.id;
}

/** The id of the "Revue" check run on `headSha` marked with `externalId`, or null. */
export async function findCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  headSha: string,
  externalId: string,
): Promise<number | null> {
  const { data } = await octokit.rest.checks.listForRef({
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 100,
  });
  return data.check_runs.find((run) => run.external_id === externalId)?.id ?? null;
}

/** The external id of the check run a review job opens: its job id, the same on every attempt. */
export function checkRunExternalId(jobId: string): string {
  return `revue-job:${jobId}`;
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
