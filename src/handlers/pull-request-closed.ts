import type { Context } from "probot";
import { recordAndEnqueue, type IntakeDependencies } from "./record-and-enqueue.ts";

/**
 * `pull_request.closed` (merged or not): when Revue left inline comments on it, enqueue a
 * `collect-reactions` job that reads their 👍/👎 (GitHub sends no webhook for reactions).
 */
export async function handlePullRequestClosed(
  deps: IntakeDependencies,
  context: Context<"pull_request.closed">,
): Promise<void> {
  const { payload } = context;
  const installationId = payload.installation?.id;
  if (!installationId) return;
  const commented = await deps.db
    .selectFrom("findings")
    .select("id")
    .where("installation_id", "=", installationId)
    .where("repository_id", "=", payload.repository.id)
    .where("pull_number", "=", payload.pull_request.number)
    .where("github_comment_id", "is not", null)
    .limit(1)
    .executeTakeFirst();
  if (!commented) {
    context.log.debug("closed pull request without Revue comments: nothing to read");
    return;
  }
  const outcome = await recordAndEnqueue(deps, { id: context.id, event: "pull_request.closed" }, [
    {
      name: "collect-reactions",
      payload: {
        installationId,
        repositoryId: payload.repository.id,
        owner: payload.repository.owner.login,
        repo: payload.repository.name,
        pullNumber: payload.pull_request.number,
        deliveryId: context.id,
      },
    },
  ]);
  context.log.info({ outcome }, "reactions collection requested");
}
