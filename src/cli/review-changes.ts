import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import { costOfRun } from "../model/cost-of-run.ts";
import type { ModelUsage } from "../model/structured-model.ts";
import type { RepoConfig } from "../repo-config/repo-config.ts";
import { anchorFindings, type Anchored, type Unanchored } from "../review/anchor-findings.ts";
import type { PullRequestFacts } from "../review/build-prompt.ts";
import { filterFiles, type ChangedFile } from "../review/filter-files.ts";
import { applyNoiseBudget } from "../review/rank-findings.ts";
import type { ModelFinding } from "../review/render-comment.ts";
import type { ContextProvider } from "../review/review-extensions.ts";
import { reviewDiffs } from "../review/review-diffs.ts";
import type { ReviewModel } from "../review/review-model.ts";
import type { ModelRunResult } from "../review/run-model-review.ts";
import { toFileDiffs } from "../review/steps/to-file-diffs.ts";
import { applySeverityOverrides } from "../review/apply-severity-overrides.ts";
import { selectInstructions } from "../repo-config/repo-config.ts";
import { NO_GUIDELINES, type Guidelines } from "../repo-config/select-guidelines.ts";

/** Where the App would put a finding: an inline comment, the summary's list, or its folded nits. */
export type Placement = "inline" | "summary" | "folded";

export type PlacedFinding = Anchored<ModelFinding> & { placement: Placement };

/** A review as the command line shows it: what the App would post, without posting it. */
export type LocalReview = {
  facts: PullRequestFacts;
  modelId: string;
  summary: ModelRunResult["summary"];
  /** Most important first: inline, then the summary's list, then the folded nits. */
  findings: PlacedFinding[];
  /** Findings no line of the diff holds (the App lists them in the summary). */
  unanchored: Unanchored<ModelFinding>[];
  /** How many files the change has, and how many the model reviewed (the summary's counts). */
  filesTotal: number;
  filesReviewed: number;
  /** Files not shown to the model, with why. */
  skipped: { path: string; reason: string }[];
  /** Files the codebase context quoted. */
  contextFiles: string[];
  usage: ModelUsage;
  calls: number;
  costUsd: number;
};

/**
 * Reviews changed files with the App's own steps, in its order: the file filter, the patch parser,
 * the context slot (memory off), the model (review-diffs.ts), anchoring and the noise budget. Posts
 * and records nothing: the caller prints, writes or posts the result.
 * Throws the model's errors (ModelRetryableError / ModelPermanentError).
 */
export async function reviewChanges(
  deps: {
    config: Pick<Config, "model" | "review">;
    model: ReviewModel;
    context: ContextProvider;
    log: Logger;
    signal?: AbortSignal;
  },
  input: {
    facts: PullRequestFacts;
    files: ChangedFile[];
    repoConfig: RepoConfig;
    /** The guideline files read at the base (none when not given). */
    guidelines?: Guidelines;
    scope: { installationId: number; repositoryId: number };
  },
): Promise<LocalReview> {
  const { repoConfig, facts } = input;
  const selection = filterFiles(input.files, {
    ignore: repoConfig.ignore,
    maxPatchBytes: deps.config.review.maxFileBytes,
  });
  const model = toFileDiffs(selection.reviewable);
  const anchorDiffs = toFileDiffs(input.files).diffs;
  const context = await deps.context(
    {
      ...input.scope,
      owner: facts.owner,
      repo: facts.repo,
      pullNumber: facts.number,
      author: facts.author,
      baseSha: facts.fromSha,
      headSha: facts.headSha,
      files: model.diffs,
      log: deps.log,
    },
    // The same share of the prompt the review job gives it (steps/collect-context.ts).
    Math.floor(deps.config.model.maxPromptTokens * 0.25),
  );
  const modelRun = await reviewDiffs({
    model: deps.model,
    facts,
    files: model.diffs,
    slots: { repositoryContext: context.text, memories: "" },
    repoConfig,
    // The maintainers' rules, as the App gives them (steps/collect-house-rules.ts).
    rules: {
      instructions: selectInstructions(
        repoConfig.instructions,
        model.diffs.map((diff) => diff.path),
      ),
      guidelines: input.guidelines ?? NO_GUIDELINES,
    },
    limits: deps.config.model,
    log: deps.log,
    signal: deps.signal,
  });
  const overridden = applySeverityOverrides(modelRun.findings, repoConfig.severity);
  const { anchored, unanchored } = anchorFindings(overridden.kept, anchorDiffs);
  const budget = applyNoiseBudget(anchored, {
    threshold: repoConfig.severity_threshold,
    maxInline: repoConfig.max_inline_comments,
  });
  const place = (placement: Placement) => (finding: Anchored<ModelFinding>) => ({
    ...finding,
    placement,
  });
  return {
    facts,
    modelId: deps.model.id,
    summary: modelRun.summary,
    findings: [
      ...budget.inline.map(place("inline")),
      ...budget.overflow.map(place("summary")),
      ...budget.folded.map(place("folded")),
    ],
    unanchored,
    filesTotal: input.files.length,
    filesReviewed: modelRun.reviewedPaths.size,
    skipped: [...selection.skipped, ...model.unparsable, ...modelRun.overBudget],
    contextFiles: context.files,
    usage: modelRun.usage,
    calls: modelRun.calls,
    costUsd: costOfRun(modelRun, deps.config, deps.model.id),
  };
}
