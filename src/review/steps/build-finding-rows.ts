import type { NewFinding } from "../../db/schema.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import { fingerprintFinding } from "../fingerprint.ts";
import type { ModelFinding } from "../render-comment.ts";

type Fingerprinted = ModelFinding & { fingerprint: string };

/**
 * The finding rows of one posted review: each inline comment `open` with its GitHub comment id
 * (null when it was not found), then each finding listed in the summary (not inline, or folded)
 * as `summary`. Pure.
 */
export function buildFindingRows(
  target: Pick<ReviewJob, "installationId" | "repositoryId" | "pullNumber"> & {
    reviewId: number;
    headSha: string;
  },
  findings: {
    posted: { finding: Fingerprinted }[];
    notInline: { finding: ModelFinding }[];
    folded: Fingerprinted[];
  },
  commentIds: ReadonlyMap<string, number>,
): NewFinding[] {
  const row = (
    finding: ModelFinding,
    fingerprint: string,
    status: "open" | "summary",
    commentId: number | null,
  ): NewFinding => ({
    review_id: target.reviewId,
    installation_id: target.installationId,
    repository_id: target.repositoryId,
    pull_number: target.pullNumber,
    fingerprint,
    path: finding.path,
    side: finding.side,
    start_line: finding.startLine,
    line: finding.line,
    severity: finding.severity,
    category: finding.category,
    title: finding.title,
    body: finding.explanation,
    quoted_code: finding.quotedCode,
    suggestion: finding.replacement,
    status,
    github_comment_id: commentId,
    head_sha: target.headSha,
  });
  return [
    ...findings.posted.map(({ finding }) =>
      row(finding, finding.fingerprint, "open", commentIds.get(finding.fingerprint) ?? null),
    ),
    // Unanchored findings carry no fingerprint yet: it is computed from what they quote.
    ...findings.notInline.map(({ finding }) =>
      row(finding, fingerprintFinding(finding), "summary", null),
    ),
    ...findings.folded.map((finding) => row(finding, finding.fingerprint, "summary", null)),
  ];
}
