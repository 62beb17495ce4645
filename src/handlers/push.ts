import type { Context } from "probot";
import { indexKey } from "../queue/index-job.ts";
import { recordAndEnqueue, type IntakeDependencies } from "./record-and-enqueue.ts";

/**
 * `push`: a push to the default branch refreshes the repository's code index (in a worker). Pushes
 * to other branches, tag pushes and branch deletions are ignored. An index job already queued for
 * the repository absorbs this one (the worker reads the branch head when it runs); a redelivery
 * enqueues nothing.
 */
export async function handlePush(
  deps: IntakeDependencies,
  context: Context<"push">,
): Promise<void> {
  const { payload } = context;
  const branch = payload.repository.default_branch;
  if (payload.deleted || payload.ref !== `refs/heads/${branch}` || !payload.installation) {
    context.log.debug({ ref: payload.ref }, "push not to the default branch: not indexed");
    return;
  }
  const job = {
    installationId: payload.installation.id,
    repositoryId: payload.repository.id,
    owner: payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!,
    repo: payload.repository.name,
    defaultBranch: branch,
    reason: "push" as const,
    deliveryId: context.id,
  };
  const outcome = await recordAndEnqueue(deps, { id: context.id, event: "push" }, [
    { name: "index-repository", payload: job, singletonKey: indexKey(job) },
  ]);
  context.log.info({ repository: payload.repository.id, outcome }, "index refresh enqueued");
}
