import type { ProbotOctokit } from "probot";

/** An Octokit authenticated as one installation. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export type RepoRef = { owner: string; repo: string };

/** One pull request of one installation's repository. */
export type PullTarget = RepoRef & {
  installationId: number;
  repositoryId: number;
  pullNumber: number;
};

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status;
  return typeof status === "number" ? status : undefined;
}
