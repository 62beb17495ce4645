import type { RepoConfig } from "../repo-config/repo-config.ts";
import type { ModelFinding } from "./render-comment.ts";
import type { SuppressedFinding } from "./review-extensions.ts";

/** A finding as the report names it: enough to recognise it, not its whole text. */
export type ReportedFinding = { title: string; path: string; severity: string; category: string };

/**
 * What one posted review did beyond its posted findings, stored in `reviews.report` (jsonb,
 * migration 20261214T1000) for the dashboard: the config it ran with and what was wrong in
 * `.github/revue.yml`, the context it read, and every finding it did not post inline, with why.
 * Plain JSON; a field added later must be optional, since older rows lack it.
 */
export type ReviewReport = {
  version: 1;
  config: RepoConfig;
  configProblems: string[];
  /** Files of the repository's index put in the prompt as context. */
  contextFiles: string[];
  /** Team memories put in the prompt. */
  memoryIds: number[];
  /** Changed files not shown to the model, with why (filtered, or over the prompt budget). */
  skippedFiles: { path: string; reason: string }[];
  /** Dropped by the memory gate: like a finding the team rejected (`similarity` to `likeFindingId`). */
  suppressed: (ReportedFinding & { similarity: number; likeFindingId: number | null })[];
  /** Listed in the summary instead of inline, with the note the summary gives. */
  listedInSummary: (ReportedFinding & { note: string })[];
  /** Below the severity threshold: folded into the summary's collapsed section. */
  folded: ReportedFinding[];
  /** Already open on the pull request from an earlier review: not repeated. */
  carriedForward: number;
  /** Calls made to the model. */
  modelCalls: number;
};

function reported(finding: ModelFinding): ReportedFinding {
  return {
    title: finding.title,
    path: finding.path,
    severity: finding.severity,
    category: finding.category,
  };
}

/** The report of a posted review from what its steps decided. Pure. */
export function buildReviewReport(input: {
  config: RepoConfig;
  configProblems: string[];
  contextFiles: string[];
  memoryIds: number[];
  skippedFiles: { path: string; reason: string }[];
  suppressed: SuppressedFinding[];
  notInline: { finding: ModelFinding; note: string }[];
  folded: ModelFinding[];
  carriedForward: number;
  modelCalls: number;
}): ReviewReport {
  return {
    version: 1,
    config: input.config,
    configProblems: input.configProblems,
    contextFiles: input.contextFiles,
    memoryIds: input.memoryIds,
    skippedFiles: input.skippedFiles.map(({ path, reason }) => ({ path, reason })),
    suppressed: input.suppressed.map((s) => ({
      ...reported(s.finding),
      similarity: s.similarity,
      likeFindingId: s.likeFindingId,
    })),
    listedInSummary: input.notInline.map(({ finding, note }) => ({ ...reported(finding), note })),
    folded: input.folded.map(reported),
    carriedForward: input.carriedForward,
    modelCalls: input.modelCalls,
  };
}
