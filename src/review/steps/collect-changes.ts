import type { ReviewMode } from "../../db/schema.ts";
import type { FileDiff } from "../../diff/format-diff.ts";
import { fetchIncrementalFiles, fetchPullRequestFiles } from "../fetch-changed-files.ts";
import { filterFiles, type ChangedFile } from "../filter-files.ts";
import { renderFallbackNote } from "../render-review-texts.ts";
import { updateReview } from "../review-store.ts";
import type { ReviewRun } from "./review-run.ts";
import { toFileDiffs } from "./to-file-diffs.ts";

export type ChangeSet = {
  /** The mode and start actually used: an incremental review may have fallen back to full. */
  mode: ReviewMode;
  fromSha: string;
  /** Why an incremental review became a full one (shown above the summary), or null. */
  fallbackNote: string | null;
  /** Every changed file of the pull request. */
  pullFiles: ChangedFile[];
  /** How many files this review looked at: the PR's, or those changed since the last review. */
  changedCount: number;
  /** What the model reviews: the diffs of the files the filter kept. */
  modelDiffs: FileDiff[];
  /** The whole pull request's diff, where comments are placed whatever the model saw. */
  anchorDiffs: FileDiff[];
  /** Files not shown to the model, with why: filtered out, or a patch that could not be parsed. */
  skipped: { path: string; reason: string }[];
};

/**
 * Collects the changes to review. An incremental review compares the last reviewed head with the
 * new one and keeps only files that are part of the PR; when that comparison is impossible (a
 * force-push, too many files) it falls back to a full review from the base, and records the new
 * mode on the review row. Then the filter drops lockfiles, generated, ignored and oversized files.
 */
export async function collectChanges(
  run: ReviewRun,
  plan: { mode: ReviewMode; fromSha: string },
): Promise<ChangeSet> {
  const { octokit, db, config } = run.deps;
  const pullFiles = await fetchPullRequestFiles(octokit, {
    ...run.repo,
    pullNumber: run.job.pullNumber,
  });
  let { mode, fromSha } = plan;
  let changedFiles = pullFiles;
  let fallbackNote: string | null = null;
  if (mode === "incremental") {
    const incremental = await fetchIncrementalFiles(octokit, run.repo, fromSha, run.headSha);
    if (incremental.kind === "incremental") {
      // Only files that are part of the PR: a merge of the base branch brings others along.
      const inPull = new Set(pullFiles.map((f) => f.filename));
      changedFiles = incremental.files.filter((f) => inPull.has(f.filename));
    } else {
      mode = "full";
      fromSha = run.baseSha;
      fallbackNote = renderFallbackNote(incremental.reason);
      await updateReview(db, run.review.id, { mode, from_sha: fromSha });
    }
  }

  const selection = filterFiles(changedFiles, {
    ignore: run.inputs.repoConfig.ignore,
    maxPatchBytes: config.review.maxFileBytes,
  });
  const model = toFileDiffs(selection.reviewable);
  return {
    mode,
    fromSha,
    fallbackNote,
    pullFiles,
    changedCount: changedFiles.length,
    modelDiffs: model.diffs,
    anchorDiffs: toFileDiffs(pullFiles).diffs,
    skipped: [...selection.skipped, ...model.unparsable],
  };
}
