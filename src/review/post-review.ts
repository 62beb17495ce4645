import type { Logger } from "pino";
import { statusOf, type Octokit, type RepoRef } from "../github/github-types.ts";

export type ReviewComment = {
  path: string;
  body: string;
  line: number;
  side: "LEFT" | "RIGHT";
  start_line?: number;
  start_side?: "LEFT" | "RIGHT";
};

export type PostedReview = {
  reviewId: number;
  /** Comments that GitHub accepted, in the order given. */
  posted: ReviewComment[];
  /** Comments GitHub refused (422) even after anchoring, with its message. */
  rejected: { comment: ReviewComment; message: string }[];
};

/**
 * Posts one review with event COMMENT (never APPROVE or REQUEST_CHANGES: the bot never approves).
 * If GitHub refuses it with 422 because of a comment, finds the bad comments by bisection over
 * pending (unsubmitted, invisible) reviews that are deleted again, then posts the rest: one bad
 * comment never loses the review. A pending review left behind by an earlier crash is deleted
 * before bisecting. Throws for anything but a comment-caused 422.
 */
export async function postReview(
  octokit: Octokit,
  target: RepoRef & { pullNumber: number; commitId: string },
  body: string,
  comments: ReviewComment[],
  log: Logger,
): Promise<PostedReview> {
  const base = {
    owner: target.owner,
    repo: target.repo,
    pull_number: target.pullNumber,
    commit_id: target.commitId,
  };
  try {
    const { data } = await octokit.rest.pulls.createReview({
      ...base,
      body,
      event: "COMMENT",
      comments,
    });
    return { reviewId: data.id, posted: comments, rejected: [] };
  } catch (error) {
    if (statusOf(error) !== 422 || comments.length === 0) throw error;
    // Stryker disable next-line StringLiteral,ObjectLiteral: what a log line says is no promise
    log.warn({ comments: comments.length }, "review refused with 422: bisecting its comments");
  }

  // GitHub keeps one pending review per user and pull request: one left by a crash between
  // creating and deleting would make every pending review below fail, every comment look refused.
  await deleteOwnPendingReviews(octokit, base, log);
  const rejected: PostedReview["rejected"] = [];
  const bisect = async (group: ReviewComment[]): Promise<void> => {
    if (group.length === 0) return;
    const refusal = await tryPending(octokit, base, group);
    if (refusal === null) return;
    if (group.length === 1) {
      rejected.push({ comment: group[0]!, message: refusal });
      return;
    }
    const middle = Math.ceil(group.length / 2);
    await bisect(group.slice(0, middle));
    await bisect(group.slice(middle));
  };
  await bisect(comments);
  const bad = new Set(rejected.map((r) => r.comment));
  const good = comments.filter((c) => !bad.has(c));
  const { data } = await octokit.rest.pulls.createReview({
    ...base,
    body,
    event: "COMMENT",
    comments: good,
  });
  // Stryker disable next-line StringLiteral,ObjectLiteral: what a log line says is no promise
  log.info({ posted: good.length, rejected: rejected.length }, "review posted after bisection");
  return { reviewId: data.id, posted: good, rejected };
}

/** Creates a pending review with `comments` and deletes it. Returns GitHub's 422 message, or null if accepted. */
async function tryPending(
  octokit: Octokit,
  base: RepoRef & { pull_number: number; commit_id: string },
  comments: ReviewComment[],
): Promise<string | null> {
  try {
    const { data } = await octokit.rest.pulls.createReview({ ...base, comments });
    await octokit.rest.pulls.deletePendingReview({
      owner: base.owner,
      repo: base.repo,
      pull_number: base.pull_number,
      review_id: data.id,
    });
    return null;
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    return (error as Error).message;
  }
}

/**
 * Deletes the pending reviews GitHub lists on the pull request: a pending review is visible only
 * to its author, so every one listed is Revue's own.
 */
async function deleteOwnPendingReviews(
  octokit: Octokit,
  base: RepoRef & { pull_number: number },
  log: Logger,
): Promise<void> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner: base.owner,
    repo: base.repo,
    pull_number: base.pull_number,
    per_page: 100,
  });
  for (const review of reviews.filter((r) => r.state === "PENDING")) {
    await octokit.rest.pulls.deletePendingReview({
      owner: base.owner,
      repo: base.repo,
      pull_number: base.pull_number,
      review_id: review.id,
    });
    // Stryker disable next-line StringLiteral,ObjectLiteral: what a log line says is no promise
    log.warn({ reviewId: review.id }, "a pending review left by an earlier attempt was deleted");
  }
}
