import { fitCommentBody } from "../../github/fit-comment-body.ts";
import { redactSecrets } from "../../safety/scan-secrets.ts";
import type { ReviewComment } from "../post-review.ts";
import type { RepositoryLinks } from "../../safety/repository-links.ts";
import { renderInlineComment, type ModelFinding } from "../render-comment.ts";

/** An inline comment to post, with the finding it says. */
export type CommentOfFinding<F> = ReviewComment & { finding: F };

/**
 * One inline review comment per finding, in order: on the finding's side and line (a range gets a
 * start line on the same side), its body rendered with the finding's marker and any of Revue's own
 * secrets redacted and the model's words filtered (links kept only to `links`), cut to what GitHub accepts. Pure.
 */
export function buildReviewComments<
  F extends ModelFinding & { suggestionAllowed: boolean; fingerprint: string },
>(findings: F[], ownSecrets: readonly string[], links?: RepositoryLinks): CommentOfFinding<F>[] {
  return findings.map((finding) => ({
    finding,
    path: finding.path,
    side: finding.side,
    line: finding.line,
    ...(finding.startLine !== null
      ? { start_line: finding.startLine, start_side: finding.side }
      : {}),
    body: fitCommentBody(
      redactSecrets(renderInlineComment(finding, finding.fingerprint, links), ownSecrets).text,
    ),
  }));
}
