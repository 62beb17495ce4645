import { loadGuidelines } from "../../repo-config/load-guidelines.ts";
import type { PathInstruction } from "../../repo-config/path-rules-schema.ts";
import { selectInstructions } from "../../repo-config/repo-config.ts";
import type { Guidelines } from "../../repo-config/select-guidelines.ts";
import type { ChangeSet } from "./collect-changes.ts";
import type { ReviewRun } from "./review-run.ts";

/** The maintainers' rules for this change, all from the base commit: trusted, unlike the PR. */
export type HouseRules = {
  /** From .github/revue.yml: its single text, or the path instructions whose paths match. */
  instructions: PathInstruction[];
  /** The repository's guideline files that apply, within their token budget. */
  guidelines: Guidelines;
};

/**
 * Gathers the house rules that apply to the files the model reviews: `.github/revue.yml`'s
 * instructions (already read from the base commit) and the guideline files at the base commit
 * (loadGuidelines). Never reads the head. Throws GitHub's errors other than a missing tree.
 */
export async function collectHouseRules(
  run: ReviewRun,
  changes: Pick<ChangeSet, "modelDiffs">,
): Promise<HouseRules> {
  const { repoConfig } = run.inputs;
  const changedPaths = changes.modelDiffs.map((diff) => diff.path);
  const guidelines = await loadGuidelines(
    run.deps.octokit,
    run.repo,
    run.baseSha,
    changedPaths,
    repoConfig.guidelines_max_tokens,
  );
  return { instructions: selectInstructions(repoConfig.instructions, changedPaths), guidelines };
}
