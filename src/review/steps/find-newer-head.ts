import type { Octokit } from "../../github/github-types.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { getPullRequest } from "./get-pull-request.ts";

/**
 * Reads the pull request again: the head it has now if that is not `headSha` (a newer push arrived
 * while this one was reviewed), otherwise null. The review calls it before the model, before
 * posting and after the inline review is posted (see review-pull-request.ts). Reads only.
 */
export async function findNewerHead(
  octokit: Octokit,
  job: ReviewJob,
  headSha: string,
): Promise<string | null> {
  const current = await getPullRequest(octokit, job);
  return current.head.sha !== headSha ? current.head.sha : null;
}
