import type { Context, Probot } from "probot";
import { getAppSlug } from "../github/get-app-slug.ts";
import { hasWriteAccess } from "../github/has-write-access.ts";
import { enqueueReview } from "./enqueue-review.ts";
import { helpText, parseCommand } from "./parse-command.ts";
import { handleMemoryCommand } from "./memory-command.ts";
import type { IntakeDependencies } from "./record-and-enqueue.ts";

/**
 * A PR comment that mentions the App: acknowledges it at once (👀), answers `help`, and for
 * `review` / `re-review` checks the commenter's permission before enqueueing. People without write
 * access get a short reply and cost no model call. Comments by bots (including Revue) are ignored.
 */
export async function handleIssueComment(
  deps: IntakeDependencies & { probot: Probot },
  context: Context<"issue_comment.created">,
): Promise<void> {
  const { payload } = context;
  if (!payload.issue.pull_request) return;
  if (payload.comment.user?.type === "Bot" || payload.sender.type === "Bot") {
    context.log.debug("comment by a bot: ignored");
    return;
  }
  const installationId = payload.installation?.id;
  if (!installationId) return;
  const slug = await getAppSlug(deps.probot);
  const command = parseCommand(payload.comment.body ?? "", slug);
  if (!command) return;

  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  await context.octokit.rest.reactions.createForIssueComment({
    ...repo,
    comment_id: payload.comment.id,
    content: "eyes",
  });
  const reply = (body: string) =>
    context.octokit.rest.issues.createComment({
      ...repo,
      issue_number: payload.issue.number,
      body,
    });

  if (command.kind === "help") {
    await reply(helpText(slug));
    return;
  }
  if (command.kind === "unknown") {
    await reply(`I don't know the command \`${command.word.slice(0, 40)}\`.\n\n${helpText(slug)}`);
    return;
  }

  if (
    command.kind === "remember" ||
    command.kind === "forget" ||
    command.kind === "forget-stale" ||
    command.kind === "memories"
  ) {
    await handleMemoryCommand(deps, context, command, reply);
    return;
  }

  const login = payload.comment.user?.login ?? payload.sender.login;
  if (!(await hasWriteAccess(context.octokit, { ...repo, login }))) {
    await reply(`@${login} only people with write access to this repository can ask for a review.`);
    context.log.info({ login }, "review command refused: no write permission");
    return;
  }

  const full = command.kind === "re-review";
  const outcome = await enqueueReview(
    { db: deps.db, boss: deps.boss },
    {
      installationId,
      repositoryId: payload.repository.id,
      owner: repo.owner,
      repo: repo.repo,
      pullNumber: payload.issue.number,
      trigger: full ? "command-full" : "command-incremental",
      mode: full ? "full" : "incremental",
      deliveryId: context.id,
      headSha: "",
      requestedBy: login,
    },
    "issue_comment.created",
  );
  context.log.info({ outcome, command: command.kind, login }, "review command handled");
}
