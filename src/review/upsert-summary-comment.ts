import type { Octokit, RepoRef } from "../github/github-types.ts";
import { fitCommentBody } from "../github/fit-comment-body.ts";
import { listIssueComments } from "../github/list-issue-comments.ts";
import { SUMMARY_MARKER } from "./render-summary.ts";

/**
 * Writes the summary as one PR comment, edited in place on every review. Uses the stored comment
 * id, or finds Revue's earlier comment by its marker (so a lost id or a retried job never adds a
 * second one). A body over GitHub's limit is cut (fitCommentBody). Returns the comment id.
 */
export async function upsertSummaryComment(
  octokit: Octokit,
  target: RepoRef & { pullNumber: number },
  body: string,
  knownCommentId: number | null,
  botLogin: string,
): Promise<number> {
  body = fitCommentBody(body);
  const issue = { owner: target.owner, repo: target.repo, issue_number: target.pullNumber };
  let commentId = knownCommentId;
  if (commentId === null) {
    const comments = await listIssueComments(octokit, {
      ...target,
      issueNumber: target.pullNumber,
    });
    const mine = comments.find(
      (c) => c.user?.login === botLogin && c.body?.includes(SUMMARY_MARKER),
    );
    commentId = mine?.id ?? null;
  }
  if (commentId !== null) {
    try {
      await octokit.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: commentId,
        body,
      });
      return commentId;
    } catch (error) {
      // Someone deleted it: write a new one.
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  const { data } = await octokit.rest.issues.createComment({ ...issue, body });
  return data.id;
}
