import type { Anchored, Unanchored } from "../anchor-findings.ts";
import { anchorFindings } from "../anchor-findings.ts";
import { applySeverityOverrides } from "../apply-severity-overrides.ts";
import { applyNoiseBudget, type NoiseBudget } from "../rank-findings.ts";
import type { ModelFinding } from "../render-comment.ts";
import { passThroughGate, type SuppressedFinding } from "../review-extensions.ts";
import { findingsOfPull } from "../review-store.ts";
import type { ModelRunResult } from "../run-model-review.ts";
import { askModel } from "./ask-model.ts";
import type { ChangeSet } from "./collect-changes.ts";
import type { CollectedContext } from "./collect-context.ts";
import { dedupeKnownFindings } from "./dedupe-known-findings.ts";
import type { ReviewRun } from "./review-run.ts";

/** A finding placed on a line of the diff, with its identity across pushes. */
export type PlacedFinding = Anchored<ModelFinding> & { fingerprint: string };

export type Judgement = {
  modelRun: ModelRunResult;
  costUsd: number;
  /** Every file not shown to the model, with why: the filter's, then the prompt budget's. */
  skipped: { path: string; reason: string }[];
  /** Findings the team's memory dropped. */
  suppressed: number;
  /** Findings `.github/revue.yml`'s severity overrides dropped ("off") or re-rated. */
  overridden: { dropped: number; changed: number };
  /** Which, and why, when the gate says (recorded in the review's report). */
  suppressedFindings: SuppressedFinding[];
  /** Findings no line of the diff can hold: they go to the summary. */
  unanchored: Unanchored<ModelFinding>[];
  /** Findings still open on the PR from earlier reviews, not repeated. */
  carriedForward: number;
  /** The new findings: inline, over the inline limit, or folded below the severity threshold. */
  budget: NoiseBudget<PlacedFinding>;
};

/**
 * Decides what to say: the model's findings, minus those the team's memory rejects, re-rated or
 * dropped by `.github/revue.yml`'s severity overrides, placed on the whole PR's diff (review
 * comments go there, whatever the model saw), minus those already known on the PR (those an
 * earlier summary listed are listed again), ranked into the noise budget of `.github/revue.yml`.
 * Posts nothing.
 */
export async function judgeFindings(
  run: ReviewRun,
  changes: Pick<ChangeSet, "mode" | "fromSha" | "modelDiffs" | "anchorDiffs" | "skipped">,
  collected: CollectedContext,
): Promise<Judgement> {
  const { deps, job } = run;
  const { repoConfig } = run.inputs;
  const { modelRun, costUsd } = await askModel(run, changes, collected);
  const gated = await (deps.gate ?? passThroughGate)(collected.scope, modelRun.findings);
  const overridden = applySeverityOverrides(gated.kept, repoConfig.severity);
  const { anchored, unanchored } = anchorFindings(overridden.kept, changes.anchorDiffs);
  const known = await findingsOfPull(deps.db, job.repositoryId, job.pullNumber);
  const { fresh, stillInSummary, carriedForward } = dedupeKnownFindings(anchored, known);
  const threshold = repoConfig.severity_threshold;
  const ranked = applyNoiseBudget(fresh, { threshold, maxInline: repoConfig.max_inline_comments });
  // Listed in the summary by an earlier review: listed again, never moved inline.
  const listedBefore = applyNoiseBudget(stillInSummary, { threshold, maxInline: 0 });
  const budget = {
    inline: ranked.inline,
    overflow: [...ranked.overflow, ...listedBefore.overflow],
    folded: [...ranked.folded, ...listedBefore.folded],
  };
  return {
    modelRun,
    costUsd,
    skipped: [...changes.skipped, ...modelRun.overBudget],
    suppressed: gated.suppressed,
    overridden: { dropped: overridden.dropped, changed: overridden.changed },
    suppressedFindings: gated.dropped ?? [],
    unanchored,
    carriedForward,
    budget,
  };
}
