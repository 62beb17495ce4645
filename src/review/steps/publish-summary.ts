import { repositoryLinks } from "../../safety/repository-links.ts";
import { redactSecrets } from "../../safety/scan-secrets.ts";
import type { ModelFinding } from "../render-comment.ts";
import { renderSummaryComment } from "../render-review-texts.ts";
import { pullRequestState } from "../review-store.ts";
import { upsertSummaryComment } from "../upsert-summary-comment.ts";
import type { ChangeSet } from "./collect-changes.ts";
import type { CollectedContext } from "./collect-context.ts";
import type { Judgement } from "./judge-findings.ts";
import type { ReviewRun } from "./review-run.ts";

/**
 * Writes the summary comment, edited in place (never a second one, see upsertSummaryComment), with
 * any of Revue's own secrets redacted; when a newer head arrived while the review was posted
 * (`placed.supersededBy`), a note above it says the review is of an older head. Returns the
 * comment's id.
 */
export async function publishSummary(
  run: ReviewRun,
  changes: Pick<ChangeSet, "mode" | "fromSha" | "fallbackNote" | "pullFiles">,
  judgement: Judgement,
  collected: Pick<CollectedContext, "context" | "rules">,
  placed: {
    inlineCount: number;
    notInline: { finding: ModelFinding; note: string }[];
    supersededBy: string | null;
  },
): Promise<number> {
  const { deps, job } = run;
  const { modelRun, costUsd } = judgement;
  const state = await pullRequestState(deps.db, job.repositoryId, job.pullNumber);
  const body = renderSummaryComment(
    {
      fallbackNote: changes.fallbackNote,
      configProblems: run.inputs.configProblems,
      supersededBy: placed.supersededBy,
    },
    {
      review: modelRun.summary,
      mode: changes.mode,
      fromSha: changes.fromSha,
      headSha: run.headSha,
      filesTotal: changes.pullFiles.length,
      filesReviewed: modelRun.reviewedPaths.size,
      skipped: judgement.skipped,
      inlineCount: placed.inlineCount,
      carriedForward: judgement.carriedForward,
      notInline: placed.notInline,
      folded: judgement.budget.folded,
      contextFiles: collected.context.files,
      suppressedByMemory: judgement.suppressed,
      rules: collected.rules,
      overridden: judgement.overridden,
      usage: { model: run.model.id, ...modelRun.usage, costUsd, calls: modelRun.calls },
      slug: deps.slug,
      links: repositoryLinks(deps.config.github.apiBaseUrl, run.repo),
    },
  );
  return upsertSummaryComment(
    deps.octokit,
    { ...run.repo, pullNumber: job.pullNumber },
    redactSecrets(body, deps.ownSecrets).text,
    state?.summary_comment_id ?? null,
    `${deps.slug}[bot]`,
  );
}
