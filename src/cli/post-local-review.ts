import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import type { Octokit } from "../github/github-types.ts";
import { fingerprintFinding } from "../review/fingerprint.ts";
import { postReview } from "../review/post-review.ts";
import {
  NOT_INLINE_NOTE,
  renderReviewBody,
  renderSummaryComment,
} from "../review/render-review-texts.ts";
import { buildReviewComments } from "../review/steps/build-review-comments.ts";
import { upsertSummaryComment } from "../review/upsert-summary-comment.ts";
import { repositoryLinks } from "../safety/repository-links.ts";
import { redactSecrets } from "../safety/scan-secrets.ts";
import type { LocalReview } from "./review-changes.ts";

export type PostedLocalReview = {
  /** The review on GitHub, or null when no finding went inline (then only the summary). */
  reviewId: number | null;
  inlineCount: number;
  /** Inline comments GitHub refused even after anchoring: listed in the summary instead. */
  rejectedCount: number;
  summaryCommentId: number;
};

/**
 * Posts a review made by `reviewChanges` on its pull request the way the review job does, through
 * the App's own code: the inline findings as one review with event COMMENT (postReview, which
 * never approves), each comment rendered and filtered by buildReviewComments
 * (renderInlineComment, filterOutgoingText, links only to the repository's pages, Revue's own
 * secrets redacted); then the summary comment (renderSummaryComment), edited in place if the App
 * already wrote one on this pull request (upsertSummaryComment). Records nothing: no database, so
 * unlike the job it leaves no marker for a retry and a second run posts a second review.
 * Throws GitHub's errors.
 */
export async function postLocalReview(
  deps: { octokit: Octokit; config: Pick<Config, "github" | "model">; slug: string; log: Logger },
  review: LocalReview,
): Promise<PostedLocalReview> {
  const { facts } = review;
  const repo = { owner: facts.owner, repo: facts.repo };
  const links = repositoryLinks(deps.config.github.apiBaseUrl, repo);
  const ownSecrets = [deps.config.model.apiKey, deps.config.github.privateKey].filter(
    (secret): secret is string => Boolean(secret),
  );
  const inline = review.findings
    .filter((finding) => finding.placement === "inline")
    .map((finding) => ({ ...finding, fingerprint: fingerprintFinding(finding) }));
  const comments = buildReviewComments(inline, ownSecrets, links);

  let reviewId: number | null = null;
  let rejected: typeof inline = [];
  if (comments.length > 0) {
    // The job's body ends in a marker naming its review row; the command line has no row.
    const body = renderReviewBody(comments.length, facts.fromSha, facts.headSha, "").trimEnd();
    const result = await postReview(
      deps.octokit,
      { ...repo, pullNumber: facts.number, commitId: facts.headSha },
      redactSecrets(body, ownSecrets).text,
      comments.map(({ finding: _finding, ...comment }) => comment),
      deps.log,
    );
    reviewId = result.reviewId;
    const refused = new Set(result.rejected.map((r) => r.comment.body));
    rejected = comments.filter((c) => refused.has(c.body)).map((c) => c.finding);
  }

  const summary = renderSummaryComment(
    { fallbackNote: null, configProblems: [] },
    {
      review: review.summary,
      mode: facts.mode,
      fromSha: facts.fromSha,
      headSha: facts.headSha,
      filesTotal: review.filesTotal,
      filesReviewed: review.filesReviewed,
      skipped: review.skipped,
      inlineCount: comments.length - rejected.length,
      carriedForward: 0,
      notInline: [
        ...rejected.map((finding) => ({ finding, note: NOT_INLINE_NOTE.rejected })),
        ...review.findings
          .filter((finding) => finding.placement === "summary")
          .map((finding) => ({ finding, note: NOT_INLINE_NOTE.overBudget })),
        ...review.unanchored.map((finding) => ({ finding, note: NOT_INLINE_NOTE.unanchored })),
      ],
      folded: review.findings.filter((finding) => finding.placement === "folded"),
      contextFiles: review.contextFiles,
      suppressedByMemory: 0,
      usage: {
        model: review.modelId,
        ...review.usage,
        costUsd: review.costUsd,
        calls: review.calls,
      },
      slug: deps.slug,
      links,
    },
  );
  const summaryCommentId = await upsertSummaryComment(
    deps.octokit,
    { ...repo, pullNumber: facts.number },
    redactSecrets(summary, ownSecrets).text,
    null,
    `${deps.slug}[bot]`,
  );
  return {
    reviewId,
    inlineCount: comments.length - rejected.length,
    rejectedCount: rejected.length,
    summaryCommentId,
  };
}
