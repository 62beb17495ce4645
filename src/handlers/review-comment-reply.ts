import type { Context, Probot } from "probot";
import { getAppSlug } from "../github/get-app-slug.ts";
import { recordAndEnqueue, type IntakeDependencies } from "./record-and-enqueue.ts";

/**
 * `pull_request_review_comment.created`: a reply in a thread Revue started (its first comment is a
 * finding Revue posted, found by its GitHub comment id in this installation) becomes a
 * `learn-from-reply` job. Comments by any bot, Revue included, are ignored, so Revue never answers
 * itself and never loops. Nothing slow happens here: one lookup, one insert, one enqueue.
 * Whether the replier may teach is the job's to decide, from GitHub's permission API, before any
 * model call: the payload's `author_association` cannot say, since it shows a privately listed
 * organization member (who may well have write access) as a mere contributor.
 */
export async function handleReviewCommentReply(
  deps: IntakeDependencies & { probot: Probot },
  context: Context<"pull_request_review_comment.created">,
): Promise<void> {
  const { payload } = context;
  const { comment } = payload;
  const rootId = comment.in_reply_to_id;
  if (!rootId) {
    context.log.debug("review comment is not a reply: ignored");
    return;
  }
  const installationId = payload.installation?.id;
  if (!installationId) return;
  if (comment.user?.type === "Bot" || payload.sender.type === "Bot") {
    context.log.debug("reply by a bot: ignored");
    return;
  }
  const slug = await getAppSlug(deps.probot);
  const login = comment.user?.login ?? payload.sender.login;
  if (login.toLowerCase() === `${slug}[bot]`.toLowerCase()) return;

  const finding = await deps.db
    .selectFrom("findings")
    .select("id")
    .where("installation_id", "=", installationId)
    .where("repository_id", "=", payload.repository.id)
    .where("github_comment_id", "=", rootId)
    .executeTakeFirst();
  if (!finding) {
    context.log.debug({ rootId }, "reply in a thread Revue did not start: ignored");
    return;
  }
  const outcome = await recordAndEnqueue(
    deps,
    { id: context.id, event: "pull_request_review_comment.created" },
    [
      {
        name: "learn-from-reply",
        payload: {
          installationId,
          repositoryId: payload.repository.id,
          owner: payload.repository.owner.login,
          repo: payload.repository.name,
          pullNumber: payload.pull_request.number,
          deliveryId: context.id,
          findingId: finding.id,
          rootCommentId: rootId,
          replyCommentId: comment.id,
          replyUrl: comment.html_url,
          login,
        },
      },
    ],
  );
  context.log.info({ outcome, finding: finding.id, login }, "reply to Revue handled");
}
