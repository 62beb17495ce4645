import {
  emptyContext,
  emptyMemory,
  type ContextProvider,
  type MemoryProvider,
  type ReviewScope,
} from "../review-extensions.ts";
import type { ChangeSet } from "./collect-changes.ts";
import { collectHouseRules, type HouseRules } from "./collect-house-rules.ts";
import type { ReviewRun } from "./review-run.ts";

/** The share of the prompt budget repository context may fill. */
export const CONTEXT_SHARE = 0.25;
/** The share of the prompt budget team memory may fill. */
const MEMORY_SHARE = 0.05;

export type CollectedContext = {
  /** What the review is about, for the extensions (context, memory, the finding gate). */
  scope: ReviewScope;
  context: Awaited<ReturnType<ContextProvider>>;
  memory: Awaited<ReturnType<MemoryProvider>>;
  /** The maintainers' instructions and guideline files that apply (collectHouseRules). */
  rules: HouseRules;
};

/**
 * Fills the prompt's two extension slots at once: repository context (up to a quarter of the
 * prompt budget) and team memory (up to a twentieth), and meanwhile gathers the house rules.
 * Without a provider a slot stays empty. Throws what a provider or GitHub throws.
 */
export async function collectContext(
  run: ReviewRun,
  changes: Pick<ChangeSet, "modelDiffs">,
): Promise<CollectedContext> {
  const { deps, job } = run;
  const scope: ReviewScope = {
    installationId: job.installationId,
    repositoryId: job.repositoryId,
    owner: job.owner,
    repo: job.repo,
    pullNumber: job.pullNumber,
    author: run.inputs.pr.user?.login ?? "unknown",
    baseSha: run.baseSha,
    headSha: run.headSha,
    files: changes.modelDiffs,
    log: run.attempt.log,
  };
  const maxPromptTokens = deps.config.model.maxPromptTokens;
  const [context, memory, rules] = await Promise.all([
    (deps.context ?? emptyContext)(scope, Math.floor(maxPromptTokens * CONTEXT_SHARE)),
    (deps.memory ?? emptyMemory)(scope, Math.floor(maxPromptTokens * MEMORY_SHARE)),
    collectHouseRules(run, changes),
  ]);
  return { scope, context, memory, rules };
}
