import type { Context } from "probot";
import { hasWriteAccess } from "../github/has-write-access.ts";
import type { Command } from "./parse-command.ts";
import { recordAndEnqueue, type IntakeDependencies } from "./record-and-enqueue.ts";

/**
 * `@revue remember|forget|memories` on a pull request (the 👀 is already there). Listing is open to
 * anyone who can comment; `remember` and `forget` change what Revue does in the whole repository,
 * so they need write access. Enqueues a `memory-command` job (embedding and the reply happen in the
 * worker) with the delivery in one transaction, so a redelivery does nothing.
 */
export async function handleMemoryCommand(
  deps: IntakeDependencies,
  context: Context<"issue_comment.created">,
  command: Extract<Command, { kind: "remember" | "forget" | "forget-stale" | "memories" }>,
  reply: (body: string) => Promise<unknown>,
): Promise<void> {
  const { payload } = context;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const login = payload.comment.user?.login ?? payload.sender.login;
  if (command.kind !== "memories" && !(await hasWriteAccess(context.octokit, { ...repo, login }))) {
    await reply(
      `@${login} only people with write access to this repository can change what Revue remembers. You can still teach it for your own pull requests by replying to its review comments.`,
    );
    context.log.info({ login, command: command.kind }, "memory command refused: no write access");
    return;
  }
  const outcome = await recordAndEnqueue(deps, { id: context.id, event: "issue_comment.created" }, [
    {
      name: "memory-command",
      payload: {
        installationId: payload.installation!.id,
        repositoryId: payload.repository.id,
        owner: repo.owner,
        repo: repo.repo,
        pullNumber: payload.issue.number,
        deliveryId: context.id,
        login,
        commentUrl: payload.comment.html_url,
        command,
      },
    },
  ]);
  context.log.info({ outcome, command: command.kind, login }, "memory command handled");
}
