import type { PgBoss } from "pg-boss";
import type { Context } from "probot";
import { enqueueIndex } from "../queue/enqueue-index.ts";

/**
 * `push`: a push to the default branch refreshes the repository's code index (in a worker). Pushes
 * to other branches, tag pushes and branch deletions are ignored.
 */
export async function handlePush(deps: { boss: PgBoss }, context: Context<"push">): Promise<void> {
  const { payload } = context;
  const branch = payload.repository.default_branch;
  if (payload.deleted || payload.ref !== `refs/heads/${branch}` || !payload.installation) {
    context.log.debug({ ref: payload.ref }, "push not to the default branch: not indexed");
    return;
  }
  const queued = await enqueueIndex(deps.boss, [
    {
      installationId: payload.installation.id,
      repositoryId: payload.repository.id,
      owner: payload.repository.owner?.login ?? payload.repository.full_name.split("/")[0]!,
      repo: payload.repository.name,
      defaultBranch: branch,
      reason: "push",
      deliveryId: context.id,
    },
  ]);
  context.log.info({ repository: payload.repository.id, queued }, "index refresh enqueued");
}
